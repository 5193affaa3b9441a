using System.Net;

namespace Qarion.Client.Http;

/// <summary>The options after defaults and checks: what the transport actually uses.</summary>
internal sealed record QarionSettings(Uri BaseUrl, string ApiKey, QarionClientOptions Options)
{
    public static QarionSettings Resolve(QarionClientOptions options)
    {
        var key = options.ApiKey;
        if (string.IsNullOrWhiteSpace(key))
        {
            key = options.GetEnvironmentVariable(QarionClientOptions.ApiKeyEnvironmentVariable);
        }

        if (string.IsNullOrWhiteSpace(key))
        {
            throw new QarionConfigurationException(
                $"No Qarion API key: set QarionClientOptions.ApiKey or the {QarionClientOptions.ApiKeyEnvironmentVariable} environment variable. " +
                "Keys are created in Qarion's UI (use a service account's key in CI).");
        }

        if (ApiKeyFormat.Problem(key.Trim()) is { } problem)
        {
            throw new QarionConfigurationException(
                $"The Qarion API key (QarionClientOptions.ApiKey or {QarionClientOptions.ApiKeyEnvironmentVariable}) {problem}.");
        }

        var baseUrl = ResolveBaseUrl(options);

        CheckScheme(baseUrl, options.AllowInsecureHttp);
        if (options.MaxRetries < 0)
        {
            throw new QarionConfigurationException($"MaxRetries is {options.MaxRetries}; it must be 0 or more.");
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            throw new QarionConfigurationException($"RequestTimeout is {options.RequestTimeout}; it must be positive.");
        }

        if (options.TotalTimeout <= TimeSpan.Zero || options.RetryBaseDelay < TimeSpan.Zero || options.MaxRetryDelay < TimeSpan.Zero)
        {
            throw new QarionConfigurationException("TotalTimeout must be positive, and RetryBaseDelay and MaxRetryDelay not negative.");
        }

        // A copy: the caller's object may change later without changing how this client behaves.
        return new QarionSettings(baseUrl, key.Trim(), options.Copy());
    }

    /// <summary>The options' base URL, else QARION_BASE_URL, else Qarion's own.</summary>
    public static Uri ResolveBaseUrl(QarionClientOptions options)
    {
        if (options.BaseUrl is { } given)
        {
            return given;
        }

        var fromEnvironment = options.GetEnvironmentVariable(QarionClientOptions.BaseUrlEnvironmentVariable);
        var text = string.IsNullOrWhiteSpace(fromEnvironment) ? QarionClientOptions.DefaultBaseUrl : fromEnvironment.Trim();
        return Uri.TryCreate(text, UriKind.Absolute, out var url)
            ? url
            : throw new QarionConfigurationException(
                $"{QarionClientOptions.BaseUrlEnvironmentVariable} is '{text}', which is not an absolute URL such as {QarionClientOptions.DefaultBaseUrl}.");
    }

    private static void CheckScheme(Uri url, bool allowInsecureHttp)
    {
        if (BaseUrlRules.Problem(url) is { } problem)
        {
            throw new QarionConfigurationException($"The base URL {problem}.");
        }

        if (url.Scheme == Uri.UriSchemeHttps)
        {
            return;
        }

        if (url.Scheme != Uri.UriSchemeHttp)
        {
            throw new QarionConfigurationException($"The base URL '{url}' must use https:// (or http:// on loopback).");
        }

        if (!allowInsecureHttp && !BaseUrlRules.IsLoopback(url))
        {
            throw new QarionConfigurationException(
                $"The base URL '{url}' uses plain http:// to a host that is not loopback, which would send the API key in clear text. " +
                "Use https://, or set AllowInsecureHttp if this is really meant.");
        }
    }
}
