using System.Globalization;
using System.Net;
using Qarion.Client.Http;
using Qarion.Client.Tests.Support;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Client.Tests;

public sealed class RetryTests
{
    [Fact]
    public async Task A_429_is_retried_after_the_seconds_in_retry_after()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 429, RetryAfter = "7", Count = 2 });
        using var client = server.Client();

        var list = await client.Connectors.ListAsync(ServerHarness.Space);

        Assert.Empty(list);
        Assert.Equal(2, server.Delays.Count);
        // The server's wait, with jitter added so that clients told the same moment do not return together.
        Assert.All(server.Delays, d => Assert.InRange(d.TotalSeconds, 7, 7.8));
        Assert.NotEqual(server.Delays[0], server.Delays[1]);
        Assert.Equal([429, 429, 200], server.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task A_429_is_retried_after_the_http_date_in_retry_after()
    {
        await using var server = await ServerHarness.StartAsync();
        var at = DateTimeOffset.UtcNow.AddSeconds(20).ToString("r", CultureInfo.InvariantCulture);
        server.State.Faults.Add(new Fault { Status = 429, RetryAfter = at });
        using var client = server.Client();

        // The wait is the date less the moment the answer came, somewhere in the call (a loaded host can take seconds).
        var before = DateTimeOffset.UtcNow;
        await client.Connectors.ListAsync(ServerHarness.Space);
        var after = DateTimeOffset.UtcNow;

        var wait = Assert.Single(server.Delays);
        var date = DateTimeOffset.Parse(at, CultureInfo.InvariantCulture);
        Assert.InRange(wait, date - after, date - before + TimeSpan.FromSeconds(2.2));
        Assert.InRange(wait.TotalSeconds, 10, 23.2);
    }

    [Fact]
    public async Task Transient_gateway_errors_on_a_get_back_off_exponentially_with_jitter()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 503, Count = 3 });
        using var client = server.Client(o => o.RetryBaseDelay = TimeSpan.FromSeconds(2));

        await client.Connectors.ListAsync(ServerHarness.Space);

        Assert.Equal(3, server.Delays.Count);
        Assert.InRange(server.Delays[0].TotalSeconds, 1, 3);
        Assert.InRange(server.Delays[1].TotalSeconds, 2, 6);
        Assert.InRange(server.Delays[2].TotalSeconds, 4, 12);
    }

    [Fact]
    public async Task A_post_is_not_retried_on_a_503_without_retry_after()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("warehouse");
        server.State.Faults.Add(new Fault { Status = 503, Count = 5 });
        using var client = server.Client();

        await Assert.ThrowsAsync<QarionServerException>(() => client.Connectors.SyncAsync(ServerHarness.Space, id));

        Assert.Single(server.Requests);
        Assert.Empty(server.State.Jobs(ServerHarness.Space));
    }

    [Fact]
    public async Task An_upload_is_retried_on_a_503_with_retry_after_and_arrives_once()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        server.State.Faults.Add(new Fault { Status = 503, RetryAfter = "2", PathContains = "dbt-manifest" });
        using var client = server.Client();
        var path = TestData.Manifest("dbt-core-state-v10.manifest.json");

        var job = (await client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, path)).Job;

        Assert.InRange(Assert.Single(server.Delays).TotalSeconds, 2, 2.4);
        var upload = Assert.Single(server.State.Uploads);
        Assert.Equal(job.Id, upload.JobId);
        Assert.Equal(TestData.Sha256(path), upload.Sha256);
    }

    [Fact]
    public async Task An_upload_is_never_resent_after_the_connection_dropped_mid_request()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        server.State.Faults.Add(new Fault { Drop = true, PathContains = "dbt-manifest" });
        using var client = server.Client();

        var error = await Assert.ThrowsAsync<QarionConnectionException>(() =>
            client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, TestData.Manifest("dbt-core-state-v9.manifest.json")));

        Assert.Null(error.StatusCode);
        Assert.Single(server.Requests);
        Assert.Empty(server.Delays);
        Secrets.AssertNoKey(error);
    }

    [Fact]
    public async Task A_get_is_retried_after_the_connection_dropped()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Drop = true });
        using var client = server.Client();

        await client.Connectors.ListAsync(ServerHarness.Space);

        Assert.Single(server.Delays);
        Assert.Equal(200, server.Requests.Last().Status);
    }

    [Fact]
    public async Task An_upload_is_retried_while_the_connection_is_refused_then_fails_clearly()
    {
        var closed = await ServerHarness.StartAsync();
        using var client = closed.Client(o => o.MaxRetries = 2);
        await closed.DisposeAsync();

        var error = await Assert.ThrowsAsync<QarionConnectionException>(() =>
            client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, "id", TestData.Manifest("dbt-core-state-v1.manifest.json")));

        Assert.Equal(2, closed.Delays.Count);
        Assert.Contains("attempt 3", error.Message);
        Assert.Contains("got no answer", error.Message);
    }

    [Fact]
    public async Task A_backoff_that_would_end_past_the_deadline_is_not_waited_for()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 503, Count = 5 });
        using var client = server.Client(o => { o.RetryBaseDelay = TimeSpan.FromSeconds(60); o.TotalTimeout = TimeSpan.FromSeconds(10); });

        await Assert.ThrowsAsync<QarionServerException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Single(server.Requests);
        Assert.Empty(server.Delays);
    }

    [Fact]
    public async Task A_retry_after_beyond_the_total_timeout_is_not_waited_for()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 429, RetryAfter = "600" });
        using var client = server.Client(o => o.TotalTimeout = TimeSpan.FromSeconds(60));

        var error = await Assert.ThrowsAsync<QarionRateLimitException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Equal(TimeSpan.FromSeconds(600), error.RetryAfter);
        Assert.Empty(server.Delays);
    }

    [Fact]
    public async Task Cancellation_stops_the_wait_between_attempts_at_once()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 429, RetryAfter = "120" });
        using var client = new QarionClient(new QarionClientOptions { ApiKey = ServerHarness.Key, BaseUrl = server.Server.Url });
        using var cancel = new CancellationTokenSource();

        // Cancelled once the 429 has been answered, so during the wait (not after a fixed time, which a
        // loaded host may spend before the request is even sent).
        var listing = client.Connectors.ListAsync(ServerHarness.Space, cancel.Token);
        await server.WaitForARecordedRequestAsync();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listing);

        Assert.Single(server.Requests);
    }

    [Fact]
    public void Retry_after_is_read_in_seconds_dates_and_fractions_through_a_fake_response()
    {
        var now = new DateTimeOffset(2026, 1, 15, 10, 30, 0, TimeSpan.Zero);
        static HttpResponseMessage With(string value)
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            response.Headers.TryAddWithoutValidation("Retry-After", value);
            return response;
        }

        Assert.Equal(TimeSpan.FromSeconds(12), RetryPolicy.RetryAfter(With("12"), now));
        Assert.Equal(TimeSpan.FromSeconds(30), RetryPolicy.RetryAfter(With("Thu, 15 Jan 2026 10:30:30 GMT"), now));
        Assert.Equal(TimeSpan.Zero, RetryPolicy.RetryAfter(With("Thu, 15 Jan 2026 10:00:00 GMT"), now));
        Assert.Equal(TimeSpan.FromSeconds(1.5), RetryPolicy.RetryAfter(With("1.5"), now));
        Assert.Null(RetryPolicy.RetryAfter(With("soon"), now));
    }

    [Fact]
    public void Backoff_doubles_within_its_jitter_and_respects_the_cap()
    {
        for (var i = 0; i < 200; i++)
        {
            Assert.InRange(RetryPolicy.Backoff(1, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)).TotalSeconds, 0.5, 1.5);
            Assert.InRange(RetryPolicy.Backoff(4, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)).TotalSeconds, 4, 12);
            Assert.InRange(RetryPolicy.Backoff(20, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)).TotalSeconds, 0, 30);
        }
    }

    [Fact]
    public void A_server_named_wait_gets_up_to_a_tenth_more_and_a_tenth_of_a_second_never_less()
    {
        var wait = TimeSpan.FromSeconds(10);
        var waits = Enumerable.Range(0, 400).Select(_ => Qarion.Client.Http.RetryPolicy.Jitter(wait)).ToList();

        Assert.All(waits, w => Assert.InRange(w, wait, wait + TimeSpan.FromMilliseconds(1100)));
        // Spread over the range, not bunched at its start: the point of the jitter.
        Assert.Contains(waits, w => w > wait + TimeSpan.FromMilliseconds(600));
    }
}
