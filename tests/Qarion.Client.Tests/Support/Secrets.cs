using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using Qarion.Testing;

namespace Qarion.Client.Tests.Support;

public static class Secrets
{
    /// <summary>
    /// Every form a server may echo the key in: raw, JSON-escaped by each encoder and by hand, URL- and
    /// HTML-encoded. A text free of the raw key may still hold it escaped; none of these may appear.
    /// </summary>
    public static IEnumerable<string> FormsOf(string key) => new[]
    {
        key,
        JsonEncodedText.Encode(key).Value,
        JsonEncodedText.Encode(key, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value,
        key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal),
        Uri.EscapeDataString(key),
        WebUtility.UrlEncode(key),
        WebUtility.HtmlEncode(key),
    }.Distinct();

    /// <summary>No form of the key in the text.</summary>
    public static void AssertNoKey(string text, string key = ServerHarness.Key)
    {
        foreach (var form in FormsOf(key))
        {
            Assert.DoesNotContain(form, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>No form of the key in the message, the ToString (stack and inner exceptions) or any detail.</summary>
    public static void AssertNoKey(Exception exception, string key = ServerHarness.Key)
    {
        AssertNoKey(exception.ToString(), key);
        AssertNoKey(exception.Message, key);
        if (exception is QarionException q)
        {
            AssertNoKey(q.ResponseBody ?? "", key);
            AssertNoKey(q.Detail?.ToString() ?? "", key);
            AssertNoKey(q.Detail?.GetRawText() ?? "", key);
        }
    }
}
