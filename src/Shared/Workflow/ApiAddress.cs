using Qarion.Client.Http;

namespace Qarion.Workflow;

/// <summary>The API's base URL as a run may use it: http(s), no password in it, and plain http:// only to this machine.</summary>
internal static class ApiAddress
{
    /// <summary>The URL given (QarionApiUrl, --api-url), or Qarion's own when none is; a coded configuration failure when it cannot be used.</summary>
    public static Uri Parse(string? given, SettingNames names)
    {
        var url = string.IsNullOrWhiteSpace(given) ? Qarion.Client.QarionClientOptions.DefaultBaseUrl : given.Trim();
        if (!Uri.TryCreate(url, UriKind.Absolute, out var apiUrl) || (apiUrl.Scheme != Uri.UriSchemeHttps && apiUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw UploadFailure.Config(Codes.BadApiUrl, $"{names.ApiUrl} is '{WithoutUserInfo(url)}', which is not an http(s) URL such as https://api.qarion.com.");
        }

        if (BaseUrlRules.Problem(apiUrl) is { } problem)
        {
            throw UploadFailure.Config(Codes.BadApiUrl, $"{names.ApiUrl} {problem}.");
        }

        if (apiUrl.Scheme == Uri.UriSchemeHttp && !BaseUrlRules.IsLoopback(apiUrl))
        {
            throw UploadFailure.Config(Codes.BadApiUrl,
                $"{names.ApiUrl} is '{url}': plain http:// to a host other than this machine would send the API key in clear text. " +
                "Use an https:// URL; plain http:// is accepted only for loopback (127.0.0.1, [::1], localhost), such as the local server.");
        }

        return apiUrl;
    }

    private static string WithoutUserInfo(string url) =>
        System.Text.RegularExpressions.Regex.Replace(url, "//[^/@]*@", "//***@", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
}
