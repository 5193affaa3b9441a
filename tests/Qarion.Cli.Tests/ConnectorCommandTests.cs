using System.Text.Json.Nodes;

namespace Qarion.Cli.Tests;

/// <summary>Every Connectors command of the installed qarion against the local server, in both output forms; what the server holds afterwards is asserted.</summary>
[Collection(ToolCollection.Name)]
public sealed class ConnectorCommandTests(ToolFixture tool) : ToolTest(tool)
{
    private const string Space = ServerHarness.Space;

    [Fact]
    public async Task List_shows_the_space_s_connectors_as_a_table_and_as_one_json_document()
    {
        var dbt = Server.Seed("dbt");
        var pg = Server.Seed("warehouse", "postgres");

        var table = await QarionAsync("connectors", "list", "--space", Space);
        var json = await QarionAsync("connectors", "list", "--space", Space, "--output", "json");

        Assert.Equal(0, table.ExitCode);
        var lines = table.Out.TrimEnd().Split('\n');
        Assert.Equal(["ID", "NAME", "TYPE", "ACTIVE", "LAST", "SYNC"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(lines, l => l.StartsWith(dbt, StringComparison.Ordinal) && l.Contains(" dbt ", StringComparison.Ordinal) && l.Contains("dbt_manifest", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith(pg, StringComparison.Ordinal) && l.Contains("postgres", StringComparison.Ordinal));
        Assert.Equal(0, json.ExitCode);
        var listed = json.Json["connectors"]!.AsArray();
        Assert.Equal(new[] { dbt, pg }.Order(), listed.Select(c => c!["id"]!.GetValue<string>()).Order());
        Assert.Equal("postgres", listed.Single(c => c!["id"]!.GetValue<string>() == pg)!["connector_type"]!.GetValue<string>());
        Assert.Equal("", json.Error);
    }

    [Fact]
    public async Task Space_comes_from_QARION_SPACE_when_no_option_gives_it()
    {
        var id = Server.Seed("dbt");
        var environment = Environment();
        environment["QARION_SPACE"] = Space;

        var result = await QarionAsync(["connectors", "list", "-o", "json"], environment);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(id, result.Json["connectors"]![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_takes_a_name_or_an_id()
    {
        var id = Server.Seed("orders dbt");

        var byName = await QarionAsync("connectors", "get", "--space", Space, "--connector", "orders dbt", "-o", "json");
        var afterName = Server.Requests.Count;
        var byId = await QarionAsync("connectors", "get", "--space", Space, "--connector", id);

        Assert.Equal(0, byName.ExitCode);
        Assert.Equal(id, byName.Json["connector"]!["id"]!.GetValue<string>());
        Assert.Equal(0, byId.ExitCode);
        Assert.Contains($"id:            {id}", byId.Out, StringComparison.Ordinal);
        Assert.Contains("name:          orders dbt", byId.Out, StringComparison.Ordinal);
        // By id there is no list to read: one GET of the connector itself.
        var byIdRequest = Assert.Single(Server.Requests.Skip(afterName));
        Assert.Equal(("GET", $"/catalog/spaces/{Space}/connectors/{id}"), (byIdRequest.Method, byIdRequest.Path));
    }

    [Fact]
    public async Task Create_sends_the_name_type_config_from_a_file_and_extra_fields()
    {
        var config = Path.Combine(TestData.TempDirectory("cli-config"), "config.json");
        await File.WriteAllTextAsync(config, """{"project": "analytics", "schedule": {"cron": "0 6 * * *"}}""");

        var result = await QarionAsync("connectors", "create", "--space", Space, "--name", "dbt prod", "--type", "dbt_manifest",
            "--config", "@" + config, "--source-system-id", "0b7e6f0e-1d1c-4c55-9d7e-2f3a4b5c6d7e", "--field", "owner=data-team", "--field", "priority=3", "-o", "json");

        Assert.Equal(0, result.ExitCode);
        var id = result.Json["connector"]!["id"]!.GetValue<string>();
        var stored = Server.State.FindConnector(Space, id)!;
        Assert.Equal("dbt prod", stored["name"]!.GetValue<string>());
        Assert.Equal("dbt_manifest", stored["connector_type"]!.GetValue<string>());
        Assert.Equal("0 6 * * *", stored["config"]!["schedule"]!["cron"]!.GetValue<string>());
        Assert.Equal("data-team", stored["owner"]!.GetValue<string>());
        Assert.Equal(3, stored["priority"]!.GetValue<int>());
        Assert.Equal("0b7e6f0e-1d1c-4c55-9d7e-2f3a4b5c6d7e", stored["source_system_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_takes_config_as_json_text_and_refuses_what_is_not_an_object()
    {
        var good = await QarionAsync("connectors", "create", "--space", Space, "--name", "a", "--type", "dbt_manifest", "--config", """{"x": 1}""", "-o", "json");
        var array = await QarionAsync("connectors", "create", "--space", Space, "--name", "b", "--type", "dbt_manifest", "--config", "[1]");
        var broken = await QarionAsync("connectors", "create", "--space", Space, "--name", "c", "--type", "dbt_manifest", "--config", "{x");

        Assert.Equal(0, good.ExitCode);
        Assert.Equal(1, Server.State.FindConnector(Space, good.Json["connector"]!["id"]!.GetValue<string>())!["config"]!["x"]!.GetValue<int>());
        Assert.Equal(2, array.ExitCode);
        Assert.Contains("error QRN5002: --config: the text given is JSON but not an object (array).", array.Error, StringComparison.Ordinal);
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("error QRN5002: --config: the text given is not valid JSON", broken.Error, StringComparison.Ordinal);
        Assert.Single(Server.State.ListConnectors(Space));
    }

    [Fact]
    public async Task Update_changes_only_the_fields_given()
    {
        var id = Server.Seed("old name");

        var result = await QarionAsync("connectors", "update", "--space", Space, "--connector", "old name", "--name", "new name", "--active", "false");
        var nothing = await QarionAsync("connectors", "update", "--space", Space, "--connector", id);

        Assert.Equal(0, result.ExitCode);
        var stored = Server.State.FindConnector(Space, id)!;
        Assert.Equal("new name", stored["name"]!.GetValue<string>());
        Assert.False(stored["is_active"]!.GetValue<bool>());
        Assert.Equal("dbt_manifest", stored["connector_type"]!.GetValue<string>());
        Assert.Contains("name:          new name", result.Out, StringComparison.Ordinal);
        Assert.Equal(2, nothing.ExitCode);
        Assert.Contains("error QRN5002: Nothing to change", nothing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_removes_the_connector_and_says_which()
    {
        var id = Server.Seed("doomed");
        var keep = Server.Seed("kept");

        var result = await QarionAsync("connectors", "delete", "--space", Space, "--connector", "doomed");
        var json = await QarionAsync("connectors", "delete", "--space", Space, "--connector", keep, "-o", "json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"Deleted connector 'doomed' ({id}) from space '{Space}'.", result.Out.Trim());
        Assert.Equal(0, json.ExitCode);
        Assert.Equal(keep, json.Json["deleted"]!["id"]!.GetValue<string>());
        Assert.Empty(Server.State.ListConnectors(Space));
    }

    [Fact]
    public async Task Sync_with_wait_follows_the_job_to_its_end_and_history_lists_it()
    {
        var id = Server.Seed("warehouse", "postgres");

        var sync = await QarionAsync("connectors", "sync", "--space", Space, "--connector", "warehouse", "--wait", "-o", "json");
        var other = Server.Seed("other", "postgres");
        await QarionAsync("connectors", "sync", "--space", Space, "--connector", other);
        var history = await QarionAsync("connectors", "sync-history", "--space", Space, "--connector", "warehouse", "-o", "json");
        var table = await QarionAsync("connectors", "sync-history", "--space", Space);

        Assert.Equal(0, sync.ExitCode);
        var job = sync.Json["sync_job"]!;
        Assert.Equal("succeeded", job["status"]!.GetValue<string>());
        Assert.Contains("Qarion: waiting up to 600 s for sync job", sync.Error, StringComparison.Ordinal);
        Assert.Equal(0, history.ExitCode);
        var jobs = history.Json["sync_jobs"]!.AsArray();
        Assert.Equal(job["id"]!.GetValue<string>(), Assert.Single(jobs)!["id"]!.GetValue<string>());
        Assert.Equal(id, jobs[0]!["connector_id"]!.GetValue<string>());
        Assert.Equal(2, table.Out.TrimEnd().Split('\n').Length - 1);
        Assert.Equal(["ID", "CONNECTOR", "STATUS", "STARTED", "FINISHED", "ADDED", "UPDATED", "DELETED"], table.Out.Split('\n')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Connector_types_lists_the_server_s_types()
    {
        var json = await QarionAsync("connector-types", "-o", "json");
        var table = await QarionAsync("connector-types");

        Assert.Equal(0, json.ExitCode);
        var types = json.Json["connector_types"]!.AsArray().Select(t => t!["value"]!.GetValue<string>()).ToList();
        Assert.Contains("dbt_manifest", types);
        Assert.Contains("postgres", types);
        Assert.Equal(types.Count + 1, table.Out.TrimEnd().Split('\n').Length);
        Assert.Equal(0, Requests());
    }

    [Fact]
    public async Task An_empty_space_says_how_to_create_a_connector()
    {
        var table = await QarionAsync("connectors", "list", "--space", Space);
        var json = await QarionAsync("connectors", "list", "--space", Space, "-o", "json");

        Assert.Equal($"No connectors in space '{Space}' yet. Create one with `qarion connectors create --name <name> --type dbt_manifest`.", table.Out.Trim());
        Assert.Empty(json.Json["connectors"]!.AsArray());
    }

    [Fact]
    public async Task Odd_but_legal_answers_list_show_and_sync_without_a_fault()
    {
        var id = Server.Seed("warehouse", "postgres");
        Server.State.OddShapes = true;

        var table = await QarionAsync("connectors", "list", "--space", Space);
        var json = await QarionAsync("connectors", "list", "--space", Space, "-o", "json");
        var get = await QarionAsync("connectors", "get", "--space", Space, "--connector", id);
        var sync = await QarionAsync("connectors", "sync", "--space", Space, "--connector", id, "--wait");
        var history = await QarionAsync("connectors", "sync-history", "--space", Space, "-o", "json");

        foreach (var result in new[] { table, json, get, sync, history })
        {
            Assert.True(result.ExitCode == 0, result.ToString());
        }

        Assert.Contains(table.Out.Split('\n'), l => l.StartsWith(id, StringComparison.Ordinal) && l.Contains("2026-01-15 10:30:00Z", StringComparison.Ordinal));
        Assert.Contains(json.Json["connectors"]!.AsArray(), c => c?["id"]?.GetValue<string>() == id);
        Assert.Contains("products:      12", get.Out, StringComparison.Ordinal);
        Assert.NotEmpty(history.Json["sync_jobs"]!.AsArray());
    }
}
