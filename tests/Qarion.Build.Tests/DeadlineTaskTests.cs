using Qarion.Build.Tests.Support;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>Every call ends by a deadline that the task's properties decide, whatever a server asks for, and says so in MSBuild terms.</summary>
public sealed class DeadlineTaskTests
{
    private static readonly string Jaffle = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

    /// <summary>The client's own option names, which an MSBuild user cannot set (the properties are Qarion-prefixed).</summary>
    private static void AssertNoClientOptionNamed(string? message) =>
        Assert.DoesNotMatch(@"(?<!Qarion)\b(TotalTimeout|RequestTimeout|MaxRetries|MaxRetryDelay|RetryBaseDelay)\b", message ?? "");

    [Fact]
    public async Task Each_call_s_deadline_follows_from_QarionTimeoutSeconds_and_QarionMaxRetries()
    {
        await using var server = await ServerHarness.StartAsync();
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop"), TimeoutSeconds = "400", MaxRetries = "3" } };
        var seen = new List<Qarion.Client.QarionClientOptions>();
        var configure = run.Task.ConfigureClient!;
        run.Task.ConfigureClient = o => { configure(o); seen.Add(o); };

        Assert.True(run.Execute(), run.Engine.AllText);

        var options = Assert.Single(seen);
        Assert.Equal(TimeSpan.FromSeconds(400), options.RequestTimeout);
        // One attempt may take all of QarionTimeoutSeconds, and the call (its retries and rate-limit waits) (retries + 1) times that.
        Assert.Equal(TimeSpan.FromSeconds(1600), options.TotalTimeout);
    }

    [Theory]
    [InlineData("1e300")]
    [InlineData("99999999999999999999")]
    [InlineData("Fri, 31 Dec 9999 23:59:59 GMT")]
    public async Task A_retry_after_too_large_for_any_deadline_is_QRN2006_at_once_in_msbuild_terms(string retryAfter)
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 429, RetryAfter = retryAfter, PathContains = "dbt-manifest", Count = 50 });
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop") } };

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN2006", error.Code);
        Assert.Contains("QarionTimeoutSeconds", error.Message);
        AssertNoClientOptionNamed(error.Message);
        Assert.Single(server.Requests);
        Assert.Empty(server.State.Uploads);
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("0.25")]
    [InlineData("Mon, 01 Jan 1990 00:00:00 GMT")]
    [InlineData("garbage")]
    [InlineData("NaN")]
    [InlineData("")]
    public async Task A_retry_after_of_any_small_or_odd_value_is_waited_briefly_and_the_upload_goes_through(string retryAfter)
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 429, RetryAfter = retryAfter, PathContains = "dbt-manifest" });
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop") } };

        Assert.True(run.Execute(), run.Engine.AllText);

        Assert.Single(server.State.Uploads);
        Assert.InRange(Assert.Single(run.Delays).TotalSeconds, 0, 3);
    }

    [Fact]
    public async Task A_huge_retry_after_during_the_sync_wait_neither_crashes_nor_fails_a_build_that_allows_failure()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 429, RetryAfter = "1e300", PathContains = "sync-history" });
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop"), WaitForSync = "true", AllowFailure = "true" } };

        Assert.True(run.Execute(), run.Engine.AllText);

        Assert.Empty(run.Engine.Errors);
        Assert.Single(server.State.Uploads);
        Assert.Equal("succeeded", run.Task.SyncJobStatus);
    }

    [Fact]
    public async Task An_answer_slower_than_QarionTimeoutSeconds_is_QRN2008_naming_the_property()
    {
        await using var server = await ServerHarness.StartAsync();
        var held = new TaskCompletionSource();
        server.State.Faults.Add(new Fault { HoldUntil = held, PathContains = "dbt-manifest" });
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop"), TimeoutSeconds = "0.5", MaxRetries = "0" } };

        var result = run.Execute();
        held.SetResult();

        Assert.False(result);
        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN2008", error.Code);
        Assert.Contains("Raise QarionTimeoutSeconds", error.Message);
        AssertNoClientOptionNamed(error.Message);
    }
}
