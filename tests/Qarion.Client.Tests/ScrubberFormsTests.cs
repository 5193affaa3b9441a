using System.Net;
using Qarion.Client.Http;

namespace Qarion.Client.Tests;

/// <summary>Each form of the key the scrubber knows is needed by some key a header can carry: each is masked in text that is not JSON, where only the list of forms can find it.</summary>
public sealed class ScrubberFormsTests
{
    [Theory]
    // Every encoder changes a quote: only the raw form in the list finds the raw key.
    [InlineData("qk_\"quoted\"-7d1f2c9a", "raw")]
    // A space is + to WebUtility.UrlEncode and %20 to Uri.EscapeDataString; an apostrophe %27 to one and kept by the other.
    [InlineData("qk_space and'apostrophe-7d1f2c9a", "url")]
    [InlineData("qk_space and'apostrophe-7d1f2c9a", "uri")]
    [InlineData("qk_\"quoted\"-7d1f2c9a", "json")]
    [InlineData("qk_\"quoted\"-7d1f2c9a", "relaxed")]
    [InlineData("qk_<angle>&amp-7d1f2c9a", "html")]
    public void Each_form_is_masked_in_plain_text(string key, string form)
    {
        var spelled = form switch
        {
            "raw" => key,
            "url" => WebUtility.UrlEncode(key),
            "uri" => Uri.EscapeDataString(key),
            "json" => System.Text.Json.JsonEncodedText.Encode(key).Value,
            "relaxed" => System.Text.Json.JsonEncodedText.Encode(key, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value,
            _ => WebUtility.HtmlEncode(key),
        };

        Assert.Equal("plain echo: Bearer *** (end)", new SecretScrubber(key).Scrub($"plain echo: Bearer {spelled} (end)"));
    }

    [Fact]
    public void A_form_that_holds_another_is_masked_whole()
    {
        // "qk_7d1f2c9a&" is the start of its HTML form "qk_7d1f2c9a&amp;": the longer goes first.
        const string Key = "qk_7d1f2c9a&";

        Assert.Equal("<p>Bearer ***</p>", new SecretScrubber(Key).Scrub($"<p>Bearer {WebUtility.HtmlEncode(Key)}</p>"));
    }

    [Theory]
    [InlineData("[\"\\u0071k_unicode-escaped-7d1f2c9a\"]", "[\"***\"]")]
    [InlineData("\"\\u0071k_unicode-escaped-7d1f2c9a\"", "\"***\"")]
    [InlineData("  {\"detail\": [\"a\", \"\\u0071k_unicode-escaped-7d1f2c9a\", \"b\"]}", "{\"detail\":[\"a\",\"***\",\"b\"]}")]
    public void Every_json_document_is_decoded_whatever_it_starts_with(string body, string expected) =>
        Assert.Equal(expected, new SecretScrubber("qk_unicode-escaped-7d1f2c9a").Scrub(body));

    [Fact]
    public void No_key_and_no_text_leave_the_text_as_it_is()
    {
        Assert.Equal("hello", new SecretScrubber("").Scrub("hello"));
        Assert.Equal("{\"a\":\"b\"}", new SecretScrubber("").Scrub("{\"a\":\"b\"}"));
        Assert.Equal("", new SecretScrubber("qk_x-7d1f2c9a").Scrub(null));
        Assert.Equal("", new SecretScrubber("qk_x-7d1f2c9a").Scrub(""));
    }
}
