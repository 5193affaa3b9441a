using Qarion.Client.Tests.Support;
using Qarion.LocalServer.Hosting;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Client.Tests;

public sealed class SecretTests
{
    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(413)]
    [InlineData(422)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(418)]
    public async Task No_exception_carries_the_key_even_when_the_server_echoes_it(int status)
    {
        await using var server = await ServerHarness.StartAsync();
        // Enough refusals that a 429, waited out (never a retry), still ends by the deadline.
        server.State.Faults.Add(new Fault { Status = status, Body = "echo", Count = 1000 });
        using var client = server.Client(o => o.MaxRetries = 1);

        var error = await Assert.ThrowsAnyAsync<QarionException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Equal(status, (int?)error.StatusCode);
        Assert.Contains("Authorization: Bearer ***", error.Message);
        Secrets.AssertNoKey(error);
    }

    [Fact]
    public async Task Timeouts_and_connection_failures_carry_no_key()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { LatencyMs = 2000, Count = 5 });
        using var client = server.Client(o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(100);
            o.MaxRetries = 0;
        });
        var timeout = await Assert.ThrowsAsync<QarionTimeoutException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        var closed = await ServerHarness.StartAsync();
        using var refused = closed.Client(o => o.MaxRetries = 0);
        await closed.DisposeAsync();
        var connection = await Assert.ThrowsAsync<QarionConnectionException>(() => refused.Connectors.ListAsync(ServerHarness.Space));

        Secrets.AssertNoKey(timeout);
        Secrets.AssertNoKey(connection);
    }

    [Fact]
    public async Task Empty_2xx_bodies_are_accepted_where_a_job_is_expected()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        server.State.Faults.Add(new Fault { Status = 202, Body = "empty", Count = 2 });
        using var client = server.Client();

        var sync = await client.Connectors.SyncAsync(ServerHarness.Space, id);
        var upload = (await client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, TestData.Manifest("dbt-core-state-v2.manifest.json"))).Job;

        Assert.Null(sync.Id);
        Assert.Null(upload.Id);
        Assert.Equal(SyncJobState.InProgress, upload.State);
        Assert.Equal([202, 202], server.Requests.Select(r => r.Status));
    }

    // Echoes in every encoding: whatever a server sends back, the key never reaches an exception.
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
