using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Build.Framework;
using Qarion.Build.Tests.Support;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>What the build log says when the server misbehaves: the real cause, retries and waits visible, advice an MSBuild user can follow.</summary>
public sealed class HonestTaskTests
{
    private static readonly string Jaffle = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

    private static IEnumerable<string> Normal(TaskRun run) =>
        run.Engine.Messages.Where(m => m.Importance == MessageImportance.Normal).Select(m => m.Message ?? "");

    [Fact]
    public async Task Retries_are_logged_at_normal_importance_with_attempt_reason_and_wait()
    {
        await using var server = await ServerHarness.StartAsync();
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop") } };
        server.State.Faults.Add(new Fault { Status = 503, Count = 2, RetryAfter = "45", PathContains = "dbt-manifest" });

        Assert.True(run.Execute(), run.Engine.AllText);

        var retries = Normal(run).Where(m => m.Contains("failed (503")).ToList();
        Assert.Equal(2, retries.Count);
        // The server's wait, with a little jitter added (never taken away).
        Assert.Matches(@"attempt 1 failed \(503 Service Unavailable\); trying again in (45|46|47|48|49)(\.\d)? s, as the server's Retry-After asks\.", retries[0]);
        Assert.Contains("attempt 2 failed", retries[1]);
    }

    [Fact]
    public async Task One_transient_500_from_the_history_does_not_fail_a_build_that_waits()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 500, PathContains = "sync-history" });
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop"), WaitForSync = "true" } };

        Assert.True(run.Execute(), run.Engine.AllText);

        Assert.Equal("succeeded", run.Task.SyncJobStatus);
        Assert.Contains(server.Requests, r => r.Status == 500);
    }

    [Fact]
    public async Task A_stalled_history_ends_with_QRN2102_at_the_sync_deadline()
    {
        await using var server = await ServerHarness.StartAsync();
        var stalled = new TaskCompletionSource();
        server.State.Faults.Add(new Fault { PathContains = "sync-history", HoldUntil = stalled, Count = 100 });
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop"), WaitForSync = "true", SyncTimeoutSeconds = "1", TimeoutSeconds = "300" } };

        var result = await Task.Run(run.Execute).WaitAsync(TimeSpan.FromMinutes(2));
        stalled.SetResult();

        Assert.False(result);
        Assert.Equal("QRN2102", run.ErrorCode);
        Assert.Single(server.State.Uploads);
    }

    [Fact]
    public async Task A_long_wait_says_it_waits_and_how_it_stands()
    {
        await using var server = await ServerHarness.StartAsync(o => o.SyncDuration = TimeSpan.FromMilliseconds(500));
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop"), WaitForSync = "true", SyncProgressInterval = TimeSpan.Zero } };

        Assert.True(run.Execute(), run.Engine.AllText);

        Assert.Single(Normal(run), m => m.Contains("waiting up to 600 s for sync job"));
        Assert.Contains(Normal(run), m => Regex.IsMatch(m, @"still waiting for sync job [0-9a-f-]+ after \d+ s; its last status is '(queued|running)'"));
    }

    [Fact]
    public async Task An_untrusted_certificate_is_QRN2013_named_and_not_retried_with_the_full_exception_at_low_importance()
    {
        await using var server = await ServerHarness.StartAsync(o => o.Certificate = TestCertificates.SelfSigned());
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = Guid.NewGuid().ToString() } };

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN2013", error.Code);
        Assert.Contains("untrusted root: it is self-signed", error.Message);
        Assert.Contains("127.0.0.1", error.Message);
        // The task's advice, in MSBuild terms: the property and the docs' section, not the client's option.
        Assert.EndsWith("If this server uses a private certificate authority, make this machine trust it (docs: \"Private certificate authorities\"); otherwise check the host name in QarionApiUrl.", error.Message);
        Assert.DoesNotContain("QarionClientOptions", error.Message);
        Assert.Empty(run.Delays);
        Assert.Contains(run.Engine.Messages, m => m.Importance == MessageImportance.Low && m.Message!.Contains("AuthenticationException"));
    }

    [Fact]
    public async Task A_manifest_that_ends_mid_document_says_so_and_names_its_path_once()
    {
        await using var server = await ServerHarness.StartAsync();
        var path = Path.Combine(TestData.TempDirectory("truncated"), "manifest.json");
        var bytes = await File.ReadAllBytesAsync(Jaffle);
        await File.WriteAllBytesAsync(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        var run = new TaskRun(server, path) { Task = { ConnectorName = "jaffle_shop" } };

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN1003", error.Code);
        Assert.Contains("the file ends before the JSON does (truncated?)", error.Message);
        // The log line starts with the file (error.File); the message does not say it again.
        Assert.Equal(path, error.File);
        Assert.DoesNotContain(path, error.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_redirect_is_QRN2011_with_advice_in_MSBuild_terms()
    {
        await using var server = await ServerHarness.StartAsync();
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorName = "jaffle_shop" } };
        server.State.Faults.Add(new Fault { Status = 308, Location = "https://api.qarion.example/v2/", Body = "empty" });

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN2011", error.Code);
        Assert.Contains("was redirected (308 Permanent Redirect) to https://api.qarion.example/v2/", error.Message);
        Assert.EndsWith("Set QarionApiUrl to the address the server redirects to.", error.Message);
        Assert.DoesNotContain("QarionClientOptions", error.Message);
    }

    [Fact]
    public async Task A_404_on_the_connector_list_points_at_QarionSpace_not_an_id()
    {
        await using var server = await ServerHarness.StartAsync();
        var run = new TaskRun(server, Jaffle) { Task = { Space = "marketing", ConnectorName = "jaffle_shop" } };

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN2003", error.Code);
        Assert.Contains("Check QarionSpace ('marketing')", error.Message);
        Assert.DoesNotContain("QarionConnectorId", error.Message);
    }

    [Fact]
    public async Task Plain_http_to_another_host_is_QRN1104_with_advice_an_msbuild_user_can_follow()
    {
        await using var server = await ServerHarness.StartAsync();
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = Guid.NewGuid().ToString(), ApiUrl = "http://qarion.internal.example/" } };

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN1104", error.Code);
        Assert.Contains("QarionApiUrl is 'http://qarion.internal.example/'", error.Message);
        Assert.Contains("Use an https:// URL", error.Message);
        Assert.DoesNotContain("AllowInsecureHttp", error.Message);
    }

    [Fact]
    public async Task Cancelling_the_sync_wait_says_the_manifest_was_uploaded()
    {
        await using var server = await ServerHarness.StartAsync(o => o.SyncDuration = TimeSpan.FromMinutes(5));
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop"), WaitForSync = "true" } };

        var execute = Task.Run(run.Execute);
        // The first look at the sync history: the upload was answered and the wait has begun.
        while (!server.Requests.Any(r => r.Path.Contains("sync-history", StringComparison.Ordinal)) && !execute.IsCompleted)
        {
            await Task.Delay(10);
        }

        run.Task.Cancel();

        Assert.False(await execute.WaitAsync(TimeSpan.FromMinutes(1)));
        var last = run.Engine.HighMessages.Last();
        Assert.Contains($"the manifest was uploaded (sync job {server.State.Uploads[0].JobId}), but waiting for the sync was cancelled", last);
    }

    [Fact]
    public async Task The_throughput_counts_the_transfer_not_the_retry_waits()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 429, RetryAfter = "1", PathContains = "dbt-manifest" });
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop") } };
        run.Task.ConfigureClient = null;

        Assert.True(run.Execute(), run.Engine.AllText);

        var line = Assert.Single(run.Engine.HighMessages, m => m.StartsWith("Qarion: jaffle: uploaded", StringComparison.Ordinal));
        var match = Regex.Match(line, @"in (?<s>[\d.]+) s \((?<rate>[\d.]+) (?<unit>KB|MB|GB)/s\)");
        var seconds = double.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture);
        var rate = double.Parse(match.Groups["rate"].Value, CultureInfo.InvariantCulture) * match.Groups["unit"].Value switch { "KB" => 1024, "MB" => 1 << 20, _ => 1 << 30 };
        Assert.True(seconds >= 1, line);
        Assert.True(rate > new FileInfo(Jaffle).Length / seconds, line);
    }

    [Fact]
    public async Task Inputs_and_the_resolved_connector_go_to_low_importance_the_outcome_to_high()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorName = "jaffle_shop" } };

        Assert.True(run.Execute(), run.Engine.AllText);

        var low = run.Engine.Messages.Where(m => m.Importance == MessageImportance.Low).Select(m => m.Message ?? "").ToList();
        Assert.Contains(low, m => m.StartsWith("Qarion: jaffle: inputs: manifest ", StringComparison.Ordinal) && m.Contains("key from the environment variable QARION_API_KEY"));
        Assert.Contains(low, m => m.Contains($"connector 'jaffle_shop' is {id} in space 'analytics'"));
        Assert.Single(run.Engine.HighMessages, m => m.StartsWith("Qarion: jaffle: uploaded", StringComparison.Ordinal));
        Assert.DoesNotContain(Normal(run), m => m.Contains("inputs:"));
    }
}
