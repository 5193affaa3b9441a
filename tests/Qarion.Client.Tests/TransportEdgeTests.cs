using System.Net;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Client.Tests;

/// <summary>The transport's edges, each at its boundary: the bounds of an answer's body, what counts as a redirect, which timeouts are retried, when a wait is said, the proxy rule.</summary>
public sealed class TransportEdgeTests
{
    private const int MaxAnswer = 16 * 1024 * 1024;
    private const int MaxAccepted = 1024 * 1024;

    /// <summary>A JSON object of exactly <paramref name="bytes"/> bytes (ASCII), padded inside a string so it still parses.</summary>
    private static string Padded(string start, int bytes)
    {
        var shell = start + ", \"padding\": \"\"}";
        return start + ", \"padding\": \"" + new string('p', bytes - shell.Length) + "\"}";
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_answer_of_exactly_16_MB_is_read_and_one_byte_more_is_refused_with_or_without_a_length(bool sendLength)
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client(o => o.MaxRetries = 0);
        var id = Guid.NewGuid().ToString();
        var start = $"{{\"id\": \"{id}\", \"name\": \"big\", \"connector_type\": \"dbt_manifest\"";
        server.State.Faults.Add(new Fault { Status = 200, Body = "raw-json", Detail = Padded(start, MaxAnswer), SendLength = sendLength });
        server.State.Faults.Add(new Fault { Status = 200, Body = "raw-json", Detail = Padded(start, MaxAnswer + 1), SendLength = sendLength });

        var read = await client.Connectors.GetAsync(ServerHarness.Space, id);
        var error = await Assert.ThrowsAsync<QarionException>(() => client.Connectors.GetAsync(ServerHarness.Space, id));

        Assert.Equal("big", read.Name);
        Assert.Equal($"GET /catalog/spaces/{ServerHarness.Space}/connectors/{id} answered 200 with a body larger than 16 MB, far more than an answer of this kind holds. A proxy may have answered instead of Qarion.", error.Message);
        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_accepted_sync_answer_of_exactly_1_MB_keeps_its_job_and_one_byte_more_drops_it(bool sendLength)
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        using var client = server.Client(o => o.MaxRetries = 0);
        var start = $"{{\"id\": \"job-1\", \"connector_id\": \"{id}\", \"status\": \"queued\"";
        server.State.Faults.Add(new Fault { Status = 202, Body = "raw-json", Detail = Padded(start, MaxAccepted), SendLength = sendLength, PathContains = "/sync" });
        server.State.Faults.Add(new Fault { Status = 202, Body = "raw-json", Detail = Padded(start, MaxAccepted + 1), SendLength = sendLength, PathContains = "/sync" });

        var kept = await client.Connectors.SyncAsync(ServerHarness.Space, id);
        var dropped = await client.Connectors.SyncAsync(ServerHarness.Space, id);

        Assert.Equal("job-1", kept.Id);
        Assert.Equal("queued", kept.Status);
        // The server took the sync either way; only the job's answer is past its bound, so the job is unknown, not failed.
        Assert.Null(dropped.Id);
        Assert.Equal(2, server.Requests.Count(r => r.Path.EndsWith("/sync", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_2_MB_answer_to_a_get_is_within_its_bound_though_past_an_accepted_answers()
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client(o => o.MaxRetries = 0);
        var id = Guid.NewGuid().ToString();
        server.State.Faults.Add(new Fault { Status = 200, Body = "raw-json", Detail = Padded($"{{\"id\": \"{id}\", \"name\": \"wide\"", 2 * MaxAccepted) });

        var read = await client.Connectors.GetAsync(ServerHarness.Space, id);

        Assert.Equal("wide", read.Name);
    }

    [Theory]
    [InlineData(300, "Multiple Choices")]
    [InlineData(399, "")]
    public async Task Every_3xx_is_a_redirect_reported_never_followed(int status, string phrase)
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client();
        server.State.Faults.Add(new Fault { Status = status, Location = "https://elsewhere.example/api", Body = "empty" });

        var error = await Assert.ThrowsAsync<QarionException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Equal(status, (int?)error.StatusCode);
        Assert.Contains($"was redirected ({status}{(phrase.Length > 0 ? " " + phrase : " ")}) to https://elsewhere.example/api", error.Message);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_400_is_not_a_redirect()
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client();
        server.State.Faults.Add(new Fault { Status = 400, Location = "https://elsewhere.example/api", Detail = "Bad space." });

        var error = await Assert.ThrowsAsync<QarionValidationException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Equal(400, (int?)error.StatusCode);
        Assert.DoesNotContain("redirected", error.Message);
        Assert.Contains("Bad space.", error.Message);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(0, false)]
    public async Task A_Retry_After_past_the_deadline_is_said_only_when_a_retry_was_left_to_take(int maxRetries, bool said)
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client(o => { o.MaxRetries = maxRetries; o.TotalTimeout = TimeSpan.FromMinutes(2); });
        server.State.Faults.Add(new Fault { Status = 503, RetryAfter = "600", Body = "text" });

        var error = await Assert.ThrowsAsync<QarionServerException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Equal(said, error.Message.Contains("The server asked to wait 600 s before trying again (Retry-After)", StringComparison.Ordinal));
        Assert.Contains("failed with 503", error.Message);
        Assert.Single(server.Requests);
        Assert.Empty(server.Delays);
    }

    [Fact]
    public async Task A_post_that_timed_out_is_never_sent_again_though_retries_are_left()
    {
        await using var server = await ServerHarness.StartAsync();
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.State.Faults.Add(new Fault { HoldUntil = held, Reached = reached, Method = "POST", Count = 5 });
        using var client = server.Client(o => { o.MaxRetries = 3; o.RequestTimeout = TimeSpan.FromMilliseconds(300); });

        var error = await Assert.ThrowsAsync<QarionTimeoutException>(() =>
            client.Connectors.CreateAsync(ServerHarness.Space, new ConnectorCreate("once", "dbt_manifest")));
        held.SetResult();

        // The server may have created it: a create is not repeated on a timeout.
        Assert.True(reached.Task.IsCompleted);
        Assert.Contains("(attempt 1)", error.Message);
        Assert.Empty(server.Delays);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/", false)]
    [InlineData("http://localhost/", false)]
    [InlineData("https://api.qarion.example/", true)]
    public void Plain_http_never_goes_through_a_proxy_and_https_may(string baseUrl, bool proxied)
    {
        using var handler = (SocketsHttpHandler)QarionClient.CreatePrimaryHandler(new QarionClientOptions { ApiKey = "k", BaseUrl = new Uri(baseUrl) });

        // A proxy (HTTP_PROXY) on a plain-http call would carry the key off this machine in clear text.
        Assert.Equal(proxied, handler.UseProxy);
        Assert.False(handler.AllowAutoRedirect);
    }
}
