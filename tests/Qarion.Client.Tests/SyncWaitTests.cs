using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Client.Tests;

/// <summary>Waiting for a sync job: a deadline for the whole wait, blips ridden out, progress said.</summary>
public sealed class SyncWaitTests
{
    private static readonly string Jaffle = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

    [Theory]
    [InlineData(500, 1)]
    [InlineData(503, 6)]
    [InlineData(429, 6)]
    public async Task Transient_failures_of_the_history_are_ridden_out(int status, int count)
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        using var client = server.Client(o => o.MaxRetries = 1);
        var job = (await client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, Jaffle)).Job;
        server.State.Faults.Add(new Fault { Status = status, Count = count, PathContains = "sync-history" });

        var done = await client.Connectors.WaitForSyncAsync(ServerHarness.Space, job.Id!, new SyncWaitOptions { PollInterval = TimeSpan.FromMilliseconds(20) });

        Assert.Equal(SyncJobState.Succeeded, done.State);
        Assert.Contains(server.Requests, r => r.Status == status);
    }

    [Fact]
    public async Task A_dropped_connection_during_a_poll_is_ridden_out()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        using var client = server.Client(o => o.MaxRetries = 0);
        var job = (await client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, Jaffle)).Job;
        server.State.Faults.Add(new Fault { Drop = true, Count = 2, PathContains = "sync-history" });

        var done = await client.Connectors.WaitForSyncAsync(ServerHarness.Space, job.Id!, new SyncWaitOptions { PollInterval = TimeSpan.FromMilliseconds(20) });

        Assert.Equal(SyncJobState.Succeeded, done.State);
    }

    [Theory]
    [InlineData(401, typeof(QarionAuthenticationException))]
    [InlineData(403, typeof(QarionPermissionDeniedException))]
    [InlineData(404, typeof(QarionNotFoundException))]
    public async Task A_permanent_failure_ends_the_wait_at_once(int status, Type expected)
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client();
        server.State.Faults.Add(new Fault { Status = status, Count = 100, PathContains = "sync-history" });

        var error = await Assert.ThrowsAnyAsync<QarionException>(() =>
            client.Connectors.WaitForSyncAsync(ServerHarness.Space, Guid.NewGuid().ToString(), new SyncWaitOptions { PollInterval = TimeSpan.FromMilliseconds(20) }));

        Assert.IsType(expected, error);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_stalled_history_ends_at_the_wait_deadline_as_a_sync_timeout()
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client(o => o.RequestTimeout = TimeSpan.FromMinutes(5));
        var stalled = new TaskCompletionSource();
        server.State.Faults.Add(new Fault { PathContains = "sync-history", HoldUntil = stalled, Count = 100 });

        var wait = client.Connectors.WaitForSyncAsync(ServerHarness.Space, Guid.NewGuid().ToString(), new SyncWaitOptions { Timeout = TimeSpan.FromSeconds(1) });
        // The held poll would last as long as the request timeout (five minutes): only the deadline can end it.
        var error = await Assert.ThrowsAsync<QarionSyncTimeoutException>(() => wait.WaitAsync(TimeSpan.FromMinutes(2)));
        stalled.SetResult();

        Assert.Contains("did not finish within 1 s", error.Message);
    }

    [Fact]
    public async Task Progress_reports_the_time_waited_and_the_last_status()
    {
        await using var server = await ServerHarness.StartAsync(o => o.SyncDuration = TimeSpan.FromMilliseconds(600));
        var id = server.Seed("jaffle_shop");
        using var client = server.Client();
        var job = (await client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, Jaffle)).Job;
        var reports = new List<SyncWaitProgress>();

        var done = await client.Connectors.WaitForSyncAsync(ServerHarness.Space, job.Id!, new SyncWaitOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(20),
            ProgressInterval = TimeSpan.Zero,
            Progress = reports.Add,
        });

        Assert.Equal(SyncJobState.Succeeded, done.State);
        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.Equal(job.Id, r.LastSeen?.Id));
        Assert.Contains(reports, r => r.LastSeen!.Status is "queued" or "running");
    }

    [Fact]
    public async Task A_status_the_client_does_not_know_is_not_final_and_the_wait_polls_on_until_success()
    {
        // A sync that would take an hour by itself: its statuses are set by the test.
        await using var server = await ServerHarness.StartAsync(o => o.SyncDuration = TimeSpan.FromHours(1));
        var id = server.Seed("jaffle_shop");
        using var client = server.Client(o => o.MaxRetries = 0);
        var job = (await client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, Jaffle)).Job;
        var serverJob = server.State.Jobs(ServerHarness.Space).Single();
        server.State.Advance(serverJob, "cancelling");
        int Polls() => server.Requests.Count(r => r.Path.Contains("sync-history", StringComparison.Ordinal));

        var waiting = client.Connectors.WaitForSyncAsync(ServerHarness.Space, job.Id!, new SyncWaitOptions { PollInterval = TimeSpan.FromMilliseconds(20) });
        for (var i = 0; i < 1000 && Polls() < 3 && !waiting.IsCompleted; i++)
        {
            await Task.Delay(10);
        }

        // Three looks at "cancelling", and still waiting.
        Assert.False(waiting.IsCompleted, "the wait stopped at a status it does not know");
        server.State.Advance(serverJob, "success");
        var done = await waiting.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal("success", done.Status);
        Assert.Equal(SyncJobState.Succeeded, done.State);
    }
}
