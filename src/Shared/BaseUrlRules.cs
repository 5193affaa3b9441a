using System.Net;

namespace Qarion.Client.Http;

/// <summary>
/// What a base URL may be, decided once: compiled into the client, which refuses such a URL, and into
/// Qarion.Build, which says the same of QarionApiUrl in its own terms before any client is made.
/// </summary>
internal static class BaseUrlRules
{
    /// <summary>
    /// Why the URL cannot be a base URL, or null. Requests are made below its path, so a query or a
    /// fragment could not stay on them; a user name or password in it would travel beside the key and be
    /// shown wherever the URL is. The URL in the text has no user information.
    /// </summary>
    public static string? Problem(Uri url)
    {
        if (url.UserInfo.Length > 0)
        {
            return $"holds a user name or password ({Display(url)}); the API key is the only credential sent: remove it from the URL";
        }

        if (url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            // Not shown: a query may hold a token.
            return $"has a {(url.Query.Length > 0 ? "query" : "fragment")} ({Display(url)}{(url.Query.Length > 0 ? "?" : "#")}…); requests are made below the URL's path and cannot keep it: " +
                   "remove it (a path prefix such as https://host/qarion/ is kept)";
        }

        return null;
    }

    /// <summary>The URL as messages show it: never its user information.</summary>
    public static string Display(Uri url) =>
        (url.UserInfo.Length > 0 ? "***@" : "") is var hidden && hidden.Length > 0
            ? $"{url.Scheme}://{hidden}{url.Authority}{url.AbsolutePath}"
            : url.GetLeftPart(UriPartial.Path);

    /// <summary>Whether the URL's host is this machine, where plain http:// never leaves it.</summary>
    public static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip));
}
