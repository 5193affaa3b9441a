using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Qarion.Testing;

/// <summary>Certificates for a local https server that a client must refuse, each for one reason.</summary>
public static class TestCertificates
{
    /// <summary>Self-signed for 127.0.0.1: refused for its untrusted root.</summary>
    public static X509Certificate2 SelfSigned() => Make("127.0.0.1", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

    /// <summary>For another name than the one the client connects to.</summary>
    public static X509Certificate2 OtherName() => Make("qarion.other.example", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

    /// <summary>Expired yesterday.</summary>
    public static X509Certificate2 Expired() => Make("127.0.0.1", DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1));

    private static X509Certificate2 Make(string name, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(name, out var ip))
        {
            names.AddIpAddress(ip);
        }
        else
        {
            names.AddDnsName(name);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(notBefore, notAfter);
        // Kestrel needs the private key in a form it can use on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
