using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Qarion.Testing;

public static class KeyForms
{
    /// <summary>
    /// Every form a server may echo the key in: raw, JSON-escaped by each encoder and by hand, URL- and
    /// HTML-encoded. A text free of the raw key may still hold it escaped; none of these may appear.
    /// </summary>
    public static IEnumerable<string> Of(string key) => new[]
    {
        key,
        JsonEncodedText.Encode(key).Value,
        JsonEncodedText.Encode(key, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value,
        key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal),
        Uri.EscapeDataString(key),
        WebUtility.UrlEncode(key),
        WebUtility.HtmlEncode(key),
    }.Distinct();

    /// <summary>The first form of the key found in the text, or null.</summary>
    public static string? FoundIn(string text, string key = ServerHarness.Key) =>
        Of(key).FirstOrDefault(form => text.Contains(form, StringComparison.OrdinalIgnoreCase));
}
