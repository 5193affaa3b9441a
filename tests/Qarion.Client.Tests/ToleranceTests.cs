using System.Text.Json;
using Qarion.Testing;

namespace Qarion.Client.Tests;

/// <summary>Answers that are JSON but not in the exact types expected: never a crash, nothing lost.</summary>
public sealed class ToleranceTests
{
    [Fact]
    public async Task A_list_with_odd_fields_and_entries_reads_what_it_can_and_keeps_the_rest_raw()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.OddShapes = true;
        var id = server.Seed("jaffle_shop");
        using var client = server.Client();

        var list = await client.Connectors.ListAsync(ServerHarness.Space);

        // The seeded connector, one without an id, one with a numeric id; "not a connector", 42 and null are skipped.
        Assert.Equal(["jaffle_shop", "no_id", "numeric_id"], list.Select(c => c.Name));
        var jaffle = list[0];
        Assert.Equal(id, jaffle.Id);
        Assert.Equal(new DateTimeOffset(2026, 1, 15, 10, 30, 0, TimeSpan.Zero), jaffle.LastSync);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1768473000), jaffle.CreatedAt);
        Assert.Equal(12, jaffle.ProductCount);
        Assert.Null(jaffle.IsActive);
        Assert.Equal("yes", jaffle.ExtensionData!["is_active"].GetString());
        Assert.Null(jaffle.Config);
        Assert.Null(jaffle.SyncConfig);
        Assert.Equal("hourly", jaffle.ExtensionData["sync_config"].GetString());
        Assert.Equal("", list[1].Id);
        Assert.Equal("12345", list[2].Id);
        Assert.Equal("", list[2].ConnectorType);
        Assert.Equal(7, list[2].ExtensionData!["connector_type"].GetInt32());
    }

    [Fact]
    public async Task A_connector_with_odd_fields_round_trips_unchanged_with_any_serializer_options()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.OddShapes = true;
        var id = server.Seed("jaffle_shop");
        using var client = server.Client();

        var connector = await client.Connectors.GetAsync(ServerHarness.Space, id);
        var json = JsonSerializer.Serialize(connector);
        var back = JsonSerializer.Deserialize<Connector>(json)!;

        Assert.Contains("\"is_active\":\"yes\"", json);
        Assert.Contains("\"product_count\":12", json);
        Assert.Equal((connector.Id, connector.Name, connector.LastSync), (back.Id, back.Name, back.LastSync));
        Assert.Equal("yes", back.ExtensionData!["is_active"].GetString());
    }

    [Fact]
    public async Task An_upload_answer_and_a_history_with_odd_fields_are_read_and_the_wait_ends()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.OddShapes = true;
        var id = server.Seed("jaffle_shop");
        using var client = server.Client();

        var job = (await client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json"))).Job;
        var done = await client.Connectors.WaitForSyncAsync(ServerHarness.Space, job.Id!, new SyncWaitOptions { PollInterval = TimeSpan.FromMilliseconds(20) });
        var history = await client.Connectors.GetSyncHistoryAsync(ServerHarness.Space);

        Assert.Equal(SyncJobState.Succeeded, done.State);
        Assert.Equal(JsonValueKind.String, done.Warnings!.Value.ValueKind);
        Assert.Null(done.TablesDeleted);
        Assert.Equal("none", done.ExtensionData!["tables_deleted"].GetString());
        Assert.Contains(history.Items, j => j.Id == "987");
        Assert.Contains(history.Items, j => j.Status is null && j.State == SyncJobState.InProgress);
        Assert.DoesNotContain(history.Items, j => j is null);
    }

    [Fact]
    public void Models_keep_their_wire_names_under_any_serializer_options()
    {
        const string json = """{"id": "c1", "name": "jaffle_shop", "connector_type": "dbt_manifest", "is_active": true, "product_count": 3, "team": "data"}""";

        foreach (var options in new[] { new JsonSerializerOptions(), new JsonSerializerOptions(JsonSerializerDefaults.Web), new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.KebabCaseUpper } })
        {
            var connector = JsonSerializer.Deserialize<Connector>(json, options)!;
            var back = JsonSerializer.Serialize(connector, options);

            Assert.Equal(("c1", "jaffle_shop", "dbt_manifest", true, 3), (connector.Id, connector.Name, connector.ConnectorType, connector.IsActive, connector.ProductCount));
            Assert.Equal("data", connector.ExtensionData!["team"].GetString());
            Assert.Contains("\"connector_type\":\"dbt_manifest\"", back);
            Assert.Contains("\"team\":\"data\"", back);
        }
    }
}
