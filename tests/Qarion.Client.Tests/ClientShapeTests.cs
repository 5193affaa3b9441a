using System.Net;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Client.Tests;

/// <summary>The overloads and shapes a .NET caller expects.</summary>
public sealed class ClientShapeTests
{
    [Fact]
    public async Task Guid_ids_and_a_FileInfo_work_and_both_uploads_return_one_result_type()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = Guid.Parse(server.Seed("jaffle_shop"));
        using var client = server.Client();
        var file = new FileInfo(TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json"));

        DbtManifestUploadResult byPath = await client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id.ToString(), file.FullName);
        DbtManifestUploadResult byFile = await client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, file);
        var connector = await client.Connectors.GetAsync(ServerHarness.Space, id);
        await client.Connectors.DeleteAsync(ServerHarness.Space, id);

        Assert.Equal(id.ToString(), connector.Id);
        Assert.NotEqual(byPath.Job.Id, byFile.Job.Id);
        Assert.Equal(2, server.State.Uploads.Count);
        Assert.Null(server.State.FindConnector(ServerHarness.Space, id.ToString()));
    }

    [Fact]
    public async Task The_whole_sync_history_is_read_page_after_page()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("postgres_prod", "postgres");
        using var client = server.Client();
        for (var i = 0; i < 230; i++)
        {
            server.State.AddJob(ServerHarness.Space, id, null, null);
        }

        var jobs = new List<SyncJob>();
        await foreach (var job in client.Connectors.GetAllSyncHistoryAsync(ServerHarness.Space))
        {
            jobs.Add(job);
        }

        Assert.Equal(230, jobs.Select(j => j.Id).Distinct().Count());
        Assert.Equal(3, server.Requests.Count(r => r.Path.Contains("sync-history", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Extra_create_fields_take_plain_values_and_a_duplicate_is_refused_before_sending()
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client();

        var created = await client.Connectors.CreateAsync(ServerHarness.Space, new ConnectorCreate("jaffle_shop", "dbt_manifest")
        {
            ExtraFields = new() { ["team"] = "data-platform", ["owners"] = new[] { "ana", "li" }, ["sla"] = new { hours = 4 } },
        });

        Assert.Equal("data-platform", created.ExtensionData!["team"].GetString());
        Assert.Equal(4, created.ExtensionData["sla"].GetProperty("hours").GetInt32());
        var twice = new ConnectorCreate("x", "postgres") { ExtraFields = new() { ["name"] = "y" } };
        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.Connectors.CreateAsync(ServerHarness.Space, twice));
        Assert.Contains("'name'", error.Message);
        var inExtension = new ConnectorCreate("x", "postgres") { ExtensionData = new() { ["name"] = System.Text.Json.JsonSerializer.SerializeToElement("y") } };
        await Assert.ThrowsAsync<ArgumentException>(() => client.Connectors.CreateAsync(ServerHarness.Space, inExtension));
        Assert.Single(server.Requests);
    }
}
