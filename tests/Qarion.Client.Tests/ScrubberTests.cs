using Qarion.Client.Tests.Support;
using Qarion.LocalServer.Hosting;
using Qarion.LocalServer.State;
using Qarion.Tests.Shared;

namespace Qarion.Client.Tests;

/// <summary>Whatever a server echoes, in whatever encoding, the key never reaches an exception.</summary>
public sealed class ScrubberTests
{
    /// <summary>Keys with the characters JSON and URLs escape: the echo then differs from the key as sent.</summary>
    [Theory]
    [InlineData("qk_quote\"and\\backslash-7d1f2c9a")]
    [InlineData("qk_plus+slash/equals=amp&lt<gt>-7d1f2c9a")]
    [InlineData("qk_apostrophe'space inside-7d1f2c9a")]
    public async Task An_error_body_echoing_an_escaped_key_is_scrubbed(string key)
    {
        await using var server = await ServerHarness.StartAsync(o => o.ApiKeys.Add(new ApiKeyGrant(key, null, false)));
        server.State.Faults.Add(new Fault { Status = 400, Body = "echo" });
        using var client = server.Client(o => { o.ApiKey = key; o.MaxRetries = 0; });

        var error = await Assert.ThrowsAnyAsync<QarionException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Equal(400, (int?)error.StatusCode);
        Assert.Contains("Authorization: Bearer ***", error.Message);
        Secrets.AssertNoKey(error, key);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(202)]
    [InlineData(503)]
    public async Task A_plain_text_answer_echoing_the_headers_is_scrubbed_at_any_status(int status)
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = status, Body = "echo-text" });
        using var client = server.Client(o => o.MaxRetries = 0);

        var error = await Assert.ThrowsAnyAsync<QarionException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Contains("Authorization: Bearer ***", error.Message);
        Secrets.AssertNoKey(error);
    }

    [Theory]
    [InlineData("{\"detail\": \"key \\u0071\\u006b_unicode-escaped-7d1f2c9a\"}")]
    [InlineData("<p>qk_unicode-escaped-7d1f2c9a</p>")]
    [InlineData("token=qk_unicode-escaped-7d1f2c9a&x=1")]
    public void Every_spelling_of_the_key_in_a_body_is_masked(string body)
    {
        var scrubber = new Http.SecretScrubber("qk_unicode-escaped-7d1f2c9a");

        var scrubbed = scrubber.Scrub(body);

        Assert.DoesNotContain("unicode-escaped-7d1f2c9a", scrubbed);
        Assert.Contains("***", scrubbed);
    }

    public static TheoryData<string, string> EscapedEchoes()
    {
        var data = new TheoryData<string, string>();
        foreach (var key in new[] { "qk_\"quoted\"-7d1f2c9a", "qk_back\\slash-7d1f2c9a", "qk_both\\\"-7d1f2c9a" })
        {
            foreach (var form in Secrets.FormsOf(key).Skip(1))
            {
                data.Add(key, $"plain text echo: Authorization: Bearer {form}");
                data.Add(key, $"<html><head><title>denied {form}</title></head><body>{form}</body></html>");
                data.Add(key, $"{{\"detail\": \"Bearer {form}\", \"cut\": \"off");
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EscapedEchoes))]
    public async Task A_key_echoed_in_an_escaped_form_in_a_body_that_is_not_valid_json_is_masked(string key, string body)
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 500, Body = "text", Detail = body });
        using var client = new QarionClient(new QarionClientOptions { ApiKey = key, BaseUrl = server.Server.Url, MaxRetries = 0 });

        var error = await Assert.ThrowsAnyAsync<QarionException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Secrets.AssertNoKey(error, key);
    }
}
