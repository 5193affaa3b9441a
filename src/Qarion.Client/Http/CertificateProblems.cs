using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Qarion.Client.Http;

/// <summary>
/// Remembers why a server's certificate was refused, in words a person can act on (an authority this
/// machine does not trust, a name that does not match, an expired certificate). The decision itself
/// stays the platform's: the callback accepts exactly what the default validation accepts.
/// </summary>
internal sealed class CertificateProblems
{
    /// <summary>One record for the process: handlers made by IHttpClientFactory are shared between clients.</summary>
    public static CertificateProblems Shared { get; } = new();

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _byHost = new(StringComparer.OrdinalIgnoreCase);

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors != SslPolicyErrors.None && sender is SslStream { TargetHostName: { } host })
        {
            _byHost[host] = Describe(certificate, chain, errors, host);
        }

        return errors == SslPolicyErrors.None;
    }

    /// <summary>The reason a certificate of <paramref name="uri"/>'s host was refused, when that is what failed.</summary>
    public string? ProblemWith(Exception exception, Uri uri)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException)
            {
                return _byHost.TryGetValue(uri.IdnHost, out var known) || _byHost.TryGetValue(uri.Host, out known)
                    ? known
                    : Flattened(e);
            }
        }

        return null;
    }

    private static string Flattened(Exception e) => QarionTransport.Flatten(e);

    private static string Describe(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, string host)
    {
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "the server sent no certificate";
        }

        var parts = new List<string>();
        var x509 = certificate as X509Certificate2 ?? (certificate is null ? null : new X509Certificate2(certificate));
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            var names = x509?.GetNameInfo(X509NameType.DnsName, false);
            parts.Add($"name mismatch: it is for '{names ?? x509?.Subject ?? "another name"}', not '{host}'");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var statuses = chain?.ChainStatus.Select(s => s.Status).Aggregate(X509ChainStatusFlags.NoError, (a, b) => a | b) ?? X509ChainStatusFlags.NoError;
            if (statuses.HasFlag(X509ChainStatusFlags.NotTimeValid))
            {
                parts.Add(x509 is not null && x509.NotAfter < DateTime.Now
                    ? $"expired on {x509.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC"
                    : $"not valid yet (from {x509?.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} UTC)");
            }

            if (statuses.HasFlag(X509ChainStatusFlags.UntrustedRoot))
            {
                parts.Add(x509 is not null && x509.Subject == x509.Issuer
                    ? "untrusted root: it is self-signed"
                    : $"untrusted root: issued by '{x509?.Issuer}', an authority this machine does not trust");
            }

            if (statuses.HasFlag(X509ChainStatusFlags.PartialChain))
            {
                parts.Add($"incomplete chain: the certificate of its issuer '{x509?.Issuer}' is missing (the server should send it)");
            }

            if (statuses.HasFlag(X509ChainStatusFlags.Revoked))
            {
                parts.Add("revoked");
            }

            var other = chain?.ChainStatus.Where(s => s.Status is not (X509ChainStatusFlags.NotTimeValid or X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain or X509ChainStatusFlags.Revoked))
                .Select(s => s.StatusInformation.Trim()).Where(t => t.Length > 0).ToList() ?? [];
            if (parts.Count == 0 || other.Count > 0)
            {
                parts.AddRange(other.DefaultIfEmpty("its chain could not be verified"));
            }
        }

        return string.Join("; ", parts);
    }
}
