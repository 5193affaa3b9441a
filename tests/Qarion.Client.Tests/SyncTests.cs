using Qarion.Client.Tests.Support;
using Qarion.Testing;

namespace Qarion.Client.Tests;

public sealed class SyncTests
{
    [Theory]
    [InlineData("page")]
    [InlineData("items")]
    [InlineData("array")]
    public async Task Wait_for_sync_follows_an_upload_to_success_whatever_the_history_shape(string shape)
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.SyncHistoryShape = shape;
        var id = server.Seed("jaffle_shop");
        using var client = server.Client();

        var job = (await client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json"))).Job;
        var done = await client.Connectors.WaitForSyncAsync(ServerHarness.Space, job.Id!, new SyncWaitOptions { PollInterval = TimeSpan.FromMilliseconds(20) });

        Assert.Equal(SyncJobState.InProgress, job.State);
        Assert.Equal(SyncJobState.Succeeded, done.State);
        Assert.Equal("succeeded", done.Status);
        Assert.Equal(40 + server.State.LastManifest(id)!.Sources, done.TablesAdded);
        Assert.Equal(40, done.ExtensionData!["manifest"].GetProperty("nodes").GetInt32());
        Assert.NotNull(done.FinishedAt);
    }

    [Fact]
    public async Task Wait_for_sync_returns_a_failed_job_with_the_server_error()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("hubspot");
        using var client = server.Client();

        var upload = await client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, TestData.BrokenManifest, new DbtManifestUploadOptions());
        var done = await client.Connectors.WaitForSyncAsync(ServerHarness.Space, upload.Job.Id!, new SyncWaitOptions { PollInterval = TimeSpan.FromMilliseconds(20) });

        Assert.Equal(SyncJobState.Failed, done.State);
        Assert.Contains("not a valid dbt manifest", done.ErrorMessage);
        Assert.Equal(new FileInfo(TestData.BrokenManifest).Length, upload.Bytes);
    }

    [Fact]
    public async Task Wait_for_sync_times_out_with_the_last_status_seen()
    {
        await using var server = await ServerHarness.StartAsync(o => o.SyncDuration = TimeSpan.FromMinutes(10));
        var id = server.Seed("slow");
        using var client = server.Client();
        var job = await client.Connectors.SyncAsync(ServerHarness.Space, id);

        var error = await Assert.ThrowsAsync<QarionSyncTimeoutException>(() => client.Connectors.WaitForSyncAsync(
            ServerHarness.Space, job.Id!, new SyncWaitOptions { Timeout = TimeSpan.FromMilliseconds(300), PollInterval = TimeSpan.FromMilliseconds(50) }));

        Assert.Equal("queued", error.LastSeen!.Status);
        Assert.Contains(job.Id!, error.Message);
        Assert.Contains("'queued'", error.Message);
        Assert.Null(error.StatusCode);
        Assert.IsAssignableFrom<QarionTimeoutException>(error);
    }

    [Fact]
    public async Task Sync_starts_a_job_and_the_history_lists_it()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("warehouse", "snowflake");
        using var client = server.Client();

        var job = await client.Connectors.SyncAsync(ServerHarness.Space, id);
        var history = await client.Connectors.GetSyncHistoryAsync(ServerHarness.Space);

        Assert.Equal(id, job.ConnectorId);
        Assert.Equal(job.Id, Assert.Single(history.Items).Id);
        Assert.Equal(1, history.Total);
        Assert.Equal(("POST", 202), (server.Requests[0].Method, server.Requests[0].Status));
    }

    [Theory]
    [InlineData("SUCCESS", SyncJobState.Succeeded)]
    [InlineData("Completed", SyncJobState.Succeeded)]
    [InlineData("succeeded", SyncJobState.Succeeded)]
    [InlineData("FAILED", SyncJobState.Failed)]
    [InlineData("error", SyncJobState.Failed)]
    [InlineData("failure", SyncJobState.Failed)]
    [InlineData("running", SyncJobState.InProgress)]
    [InlineData("cancelling", SyncJobState.InProgress)]
    [InlineData(null, SyncJobState.InProgress)]
    public void Status_is_an_open_string_read_case_insensitively(string? status, SyncJobState expected) =>
        Assert.Equal(expected, new SyncJob { Status = status }.State);
}
