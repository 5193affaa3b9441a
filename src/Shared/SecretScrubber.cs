using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Qarion.Client.Http;

/// <summary>
/// Removes the API key from any text that came from a server before it reaches a message, an
/// exception or a log. A server, a proxy or a gateway may echo the request in any form: raw,
/// JSON-escaped by any encoder (so <c>"</c> as <c>\"</c> or <c>\u0022</c>), or URL-encoded.
/// </summary>
internal sealed class SecretScrubber
{
    public const string Mask = "***";

    private readonly string _key;
    // Worked out on the first scrub, which only a failure needs: the encoders cost a successful build
    // about 15 ms of first use for nothing.
    private readonly Lazy<string[]> _forms;

    public SecretScrubber(string key)
    {
        _key = key;
        _forms = new Lazy<string[]>(() => Forms(key));
    }

    private static string[] Forms(string key)
    {
        var forms = new HashSet<string>(StringComparer.Ordinal) { key };
        if (key.Length > 0)
        {
            // Each form is one no other covers, for a key a header can carry (printable ASCII, ApiKeyFormat):
            // the relaxed encoder's \" and \\ are also what escaping by hand gives, and the URL forms are
            // matched ignoring case, so %2b is %2B.
            forms.Add(JsonEncodedText.Encode(key).Value);
            forms.Add(JsonEncodedText.Encode(key, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value);
            forms.Add(Uri.EscapeDataString(key));
            forms.Add(WebUtility.UrlEncode(key));
            forms.Add(WebUtility.HtmlEncode(key));
        }

        // Longest first, so a form that contains another is replaced whole.
        return forms.Where(f => f.Length > 0).OrderByDescending(f => f.Length).ToArray();
    }

    /// <summary>The text with every known form of the key masked. JSON is also scrubbed value by value, whatever its escapes.</summary>
    public string Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text) || _key.Length == 0)
        {
            return text ?? "";
        }

        var result = ScrubJson(text) ?? text;
        foreach (var form in _forms.Value)
        {
            result = result.Replace(form, Mask, StringComparison.OrdinalIgnoreCase);
        }

        return result;
    }

    /// <summary>
    /// JSON can spell the key with escapes no list foresees (<c>\u0071k_…</c>): decode every string,
    /// mask the key in it, and write the document again. Null when the text is not JSON or holds no key.
    /// </summary>
    private string? ScrubJson(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.IsEmpty || (trimmed[0] != '{' && trimmed[0] != '[' && trimmed[0] != '"'))
        {
            return null;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }

        var found = false;
        var scrubbed = Walk(root, ref found);
        return found ? scrubbed?.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) ?? "null" : null;
    }

    private JsonNode? Walk(JsonNode? node, ref bool found)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (name, value) in obj.ToList())
                {
                    var clean = ReplaceKey(name, ref found);
                    copy[clean] = Walk(value?.DeepClone(), ref found);
                }

                return copy;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array.ToList())
                {
                    items.Add(Walk(item?.DeepClone(), ref found));
                }

                return items;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return JsonValue.Create(ReplaceKey(value.GetValue<string>(), ref found));
            default:
                return node?.DeepClone();
        }
    }

    private string ReplaceKey(string text, ref bool found)
    {
        if (text.Contains(_key, StringComparison.Ordinal))
        {
            found = true;
            return text.Replace(_key, Mask, StringComparison.Ordinal);
        }

        return text;
    }
}
