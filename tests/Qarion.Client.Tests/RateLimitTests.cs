using System.Diagnostics;
using Qarion.Client.Http;
using Qarion.Testing;

namespace Qarion.Client.Tests;

/// <summary>The key's budget, as the answers tell it: spent, requests wait for their slot instead of drawing 429s, and clients that share a folder pace each other.</summary>
public sealed class RateLimitTests
{
    /// <summary>A client that really waits (the harness's clients record waits and do not sleep).</summary>
    private static QarionClient RealClient(ServerHarness server, Action<QarionClientOptions>? configure = null)
    {
        var options = new QarionClientOptions { ApiKey = ServerHarness.Key, BaseUrl = server.Server.Url };
        configure?.Invoke(options);
        return new QarionClient(options);
    }

    [Fact]
    public async Task The_local_server_is_a_token_bucket_with_rate_limit_headers()
    {
        // One token a minute: however slow this machine is, no token comes back while the six requests run.
        await using var server = await ServerHarness.StartAsync(o => { o.RateLimit = 1; o.RateLimitBurst = 5; });
        using var http = new HttpClient { BaseAddress = server.Server.Url };
        http.DefaultRequestHeaders.Authorization = new("Bearer", ServerHarness.Key);

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await http.GetAsync($"catalog/spaces/{ServerHarness.Space}/connectors"));
        }

        Assert.Equal([200, 200, 200, 200, 200, 429], answers.Select(a => (int)a.StatusCode));
        Assert.Equal(["4", "3", "2", "1", "0", "0"], answers.Select(a => a.Headers.GetValues("X-RateLimit-Remaining").Single()));
        Assert.All(answers, a => Assert.Equal("1", a.Headers.GetValues("X-RateLimit-Limit").Single()));
        // The next token is due a minute after the first was taken: whole seconds, rounded up.
        Assert.InRange(answers[5].Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));
        var reset = long.Parse(answers[5].Headers.GetValues("X-RateLimit-Reset").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(reset - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 29, 61);
    }

    [Fact]
    public async Task With_the_budget_spent_requests_wait_for_their_slot_and_draw_no_429()
    {
        await using var server = await ServerHarness.StartAsync(o => { o.RateLimit = 600; o.RateLimitBurst = 3; });
        var paced = new List<QarionPacing>();
        using var client = RealClient(server, o => { o.MaxRetries = 0; o.OnPacing = p => { lock (paced) { paced.Add(p); } }; });

        for (var i = 0; i < 12; i++)
        {
            await client.Connectors.ListAsync(ServerHarness.Space);
        }

        Assert.Equal(12, server.Requests.Count);
        Assert.DoesNotContain(server.Requests, r => r.Status == 429);
        // Each wait for a slot was announced, so a host can say why nothing seems to happen.
        Assert.NotEmpty(paced);
        Assert.All(paced, p => Assert.Equal(("GET", $"/catalog/spaces/{ServerHarness.Space}/connectors"), (p.Method, p.Path)));
        Assert.All(paced, p => Assert.InRange(p.Delay.TotalSeconds, 0.0001, 2));
    }

    [Fact]
    public async Task Clients_sharing_a_folder_know_each_other_s_spent_budget_and_a_wait_past_the_deadline_sends_nothing()
    {
        // Two requests per ten minutes: once two are spent, the next slot is five minutes away.
        await using var server = await ServerHarness.StartAsync(o => { o.RateLimit = 2; o.RateLimitWindow = TimeSpan.FromMinutes(10); });
        var folder = TestData.TempDirectory("ratelimit");
        using var first = RealClient(server, o => o.SharedRateLimitDirectory = folder);
        using var second = RealClient(server, o => { o.SharedRateLimitDirectory = folder; o.TotalTimeout = TimeSpan.FromSeconds(5); });
        using var alone = RealClient(server, o => o.TotalTimeout = TimeSpan.FromSeconds(5));
        await first.Connectors.ListAsync(ServerHarness.Space);
        await first.Connectors.ListAsync(ServerHarness.Space);

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<QarionRateLimitException>(() => second.Connectors.ListAsync(ServerHarness.Space));

        // The second client never asked: it knew from the first that the budget is spent for minutes.
        Assert.Equal(2, server.Requests.Count);
        Assert.Matches(@"^GET /catalog/spaces/analytics/connectors\S* was not sent: the API key's rate limit is spent \(X-RateLimit-Remaining: 0\) for the next [0-9.]+ s, " +
            @"past this call's deadline \([0-9.]+ s left of 5 s\)\. Raise TotalTimeout, or lower the request rate of the clients that share this key\.$", error.Message);
        Assert.Equal("Raise TotalTimeout, or lower the request rate of the clients that share this key.", error.Advice);
        Assert.InRange(error.RetryAfter!.Value.TotalMinutes, 4, 11);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "it did not wait for a slot past its deadline");
        // A client that shares nothing finds out by a 429.
        await Assert.ThrowsAsync<QarionRateLimitException>(() => alone.Connectors.ListAsync(ServerHarness.Space));
        Assert.Equal(429, server.Requests[^1].Status);
        // What is shared: numbers, under a name that is a hash; never the key.
        var file = Assert.Single(Directory.GetFiles(folder));
        Assert.Matches("^qarion-ratelimit-[0-9a-f]{32}\\.state$", Path.GetFileName(file));
        Assert.Matches(@"^-?\d+ -?\d+ -?\d+ -?\d+$", File.ReadAllText(file));
    }

    [Fact]
    public async Task Many_clients_of_one_key_in_parallel_all_succeed_pacing_together()
    {
        await using var server = await ServerHarness.StartAsync(o => { o.RateLimit = 1200; o.RateLimitBurst = 2; });
        var folder = TestData.TempDirectory("ratelimit");
        var clients = Enumerable.Range(0, 6).Select(_ => RealClient(server, o => { o.SharedRateLimitDirectory = folder; o.MaxRetries = 0; })).ToList();

        await Task.WhenAll(clients.Select(async c =>
        {
            for (var i = 0; i < 5; i++)
            {
                await c.Connectors.ListAsync(ServerHarness.Space);
            }
        }));

        Assert.Equal(30, server.Requests.Count(r => r.Status == 200));
        clients.ForEach(c => c.Dispose());
    }

    [Theory]
    [InlineData("1e300", 86_400)]
    [InlineData("Fri, 31 Dec 9999 23:59:59 GMT", 86_400)]
    [InlineData("-3", 0)]
    [InlineData("0.5", 0.5)]
    [InlineData("Mon, 01 Jan 1990 00:00:00 GMT", 0)]
    public void A_retry_after_of_any_value_is_bounded(string value, double seconds)
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Retry-After", value);

        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryPolicy.RetryAfter(response, DateTimeOffset.UtcNow));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("NaN")]
    [InlineData("")]
    public void A_retry_after_that_is_not_a_time_is_none(string value)
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Retry-After", value);

        Assert.Null(RetryPolicy.RetryAfter(response, DateTimeOffset.UtcNow));
    }
}
