using Qarion.Client.Http;

namespace Qarion.Client.Tests;

/// <summary>The scrubber's JSON path: only a body that held the key is rewritten, and then nothing else in it changes.</summary>
public sealed class ScrubberJsonTests
{
    private const string Key = "qk_scrub-9f8e7d";

    [Fact]
    public void A_json_body_without_the_key_comes_back_byte_for_byte()
    {
        const string body = "{ \"detail\" : [ \"no secret\", 1, { \"loc\": [\"body\", \"name\"] } ] }";

        Assert.Equal(body, new SecretScrubber(Key).Scrub(body));
    }

    [Fact]
    public void A_json_body_with_the_key_keeps_every_other_value_and_its_characters_unescaped()
    {
        var body = $"{{\"detail\":[\"first\",\"{Key}\",\"<b>é</b>\"],\"n\":2}}";

        Assert.Equal("{\"detail\":[\"first\",\"***\",\"<b>é</b>\"],\"n\":2}", new SecretScrubber(Key).Scrub(body));
    }
}
