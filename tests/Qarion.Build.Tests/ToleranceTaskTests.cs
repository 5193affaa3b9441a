using Qarion.Build.Tests.Support;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>The task against a server whose answers are legal but oddly typed: the upload goes on, only missing essentials fail it.</summary>
public sealed class ToleranceTaskTests
{
    private static readonly string Jaffle = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

    [Fact]
    public async Task Odd_but_legal_answers_never_fail_an_upload_by_name_with_a_sync_wait()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.OddShapes = true;
        var id = server.Seed("jaffle_shop");
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorName = "jaffle_shop", WaitForSync = "true" } };

        Assert.True(run.Execute(), run.Engine.AllText);

        Assert.Equal(id, Assert.Single(server.State.Uploads).ConnectorId);
        Assert.Equal("succeeded", run.Task.SyncJobStatus);
        Assert.Empty(run.Engine.Warnings);
    }

    [Fact]
    public async Task A_name_that_matches_an_entry_without_an_id_is_QRN2012_naming_the_field()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.OddShapes = true;
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorName = "no_id" } };

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN2012", error.Code);
        Assert.Contains("without an id", error.Message);
        Assert.Contains("QarionConnectorId", error.Message);
        Assert.Empty(server.State.Uploads);
    }

    [Fact]
    public async Task An_unknown_name_lists_only_the_entries_that_are_connectors()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.OddShapes = true;
        server.Seed("jaffle_shop");
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorName = "hubspot" } };

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN2004", error.Code);
        Assert.Contains("'jaffle_shop' (dbt_manifest), 'no_id' (postgres), 'numeric_id' (type not given)", error.Message);
    }
}
