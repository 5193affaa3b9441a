using Qarion.Testing;
using System.Text.Json;
using System.Text.Json.Nodes;
using Qarion.Client.Tests.Support;

namespace Qarion.Client.Tests;

public sealed class ConnectorsTests
{
    [Theory]
    [InlineData("array")]
    [InlineData("items")]
    public async Task List_reads_a_bare_array_or_an_items_envelope(string shape)
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.ConnectorListShape = shape;
        var a = server.Seed("jaffle_shop");
        var b = server.Seed("warehouse", "snowflake");
        using var client = server.Client();

        var list = await client.Connectors.ListAsync(ServerHarness.Space);

        Assert.Equal([a, b], list.Select(c => c.Id));
        Assert.Equal("snowflake", list[1].ConnectorType);
        Assert.True(list[0].IsActive);
        var request = Assert.Single(server.Requests);
        Assert.Equal(("GET", "/catalog/spaces/analytics/connectors"), (request.Method, request.Path));
        Assert.True(request.HadAuthorization);
    }

    [Fact]
    public async Task Get_returns_the_connector_with_its_documented_fields()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        using var client = server.Client();

        var connector = await client.Connectors.GetAsync(ServerHarness.Space, id);

        Assert.Equal(id, connector.Id);
        Assert.Equal("jaffle_shop", connector.Name);
        Assert.Equal("dbt_manifest", connector.ConnectorType);
        Assert.Equal(0, connector.ProductCount);
        Assert.Null(connector.LastSync);
        Assert.NotNull(connector.CreatedAt);
        Assert.NotNull(connector.Config);
    }

    [Fact]
    public async Task Create_sends_every_field_and_keeps_credentials_out_of_the_answer()
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client();
        var sourceSystem = Guid.NewGuid().ToString();
        var request = new ConnectorCreate("prod warehouse", "postgresql")
        {
            Config = new JsonObject { ["host"] = "db.internal", ["port"] = 5432 },
            SourceSystemId = sourceSystem,
            Credentials = new JsonObject { ["password"] = "hunter2" },
            ExtensionData = new() { ["team"] = JsonSerializer.SerializeToElement("data-platform") },
        };

        var created = await client.Connectors.CreateAsync(ServerHarness.Space, request);

        Assert.Equal("postgresql", created.ConnectorType);
        Assert.Equal("db.internal", created.Config!["host"]!.GetValue<string>());
        Assert.Equal(sourceSystem, created.SourceSystemId);
        Assert.Equal("data-platform", created.ExtensionData!["team"].GetString());
        Assert.False(created.ExtensionData.ContainsKey("credentials"));
        Assert.Equal("hunter2", server.State.CredentialsOf(created.Id)!["password"]!.GetValue<string>());
        Assert.Equal(201, server.Requests.Single().Status);
    }

    [Fact]
    public async Task Update_sends_only_the_fields_that_are_set()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("old name");
        server.State.UpdateConnector(ServerHarness.Space, id, new JsonObject { ["config"] = new JsonObject { ["keep"] = true } });
        using var client = server.Client();

        var updated = await client.Connectors.UpdateAsync(ServerHarness.Space, id, new ConnectorUpdate
        {
            Name = "new name",
            IsActive = false,
            ExtensionData = new() { ["source_system_id"] = JsonSerializer.SerializeToElement<string?>(null) },
        });

        Assert.Equal("new name", updated.Name);
        Assert.False(updated.IsActive);
        var stored = server.State.FindConnector(ServerHarness.Space, id)!;
        Assert.True(stored["config"]!["keep"]!.GetValue<bool>());
        Assert.True(stored.ContainsKey("source_system_id"));
        Assert.Null(stored["source_system_id"]);
        Assert.Equal("PATCH", server.Requests.Single().Method);
    }

    [Fact]
    public async Task Delete_removes_the_connector()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("doomed");
        using var client = server.Client();

        await client.Connectors.DeleteAsync(ServerHarness.Space, id);

        Assert.Null(server.State.FindConnector(ServerHarness.Space, id));
        Assert.Equal(204, server.Requests.Single().Status);
        await Assert.ThrowsAsync<QarionNotFoundException>(() => client.Connectors.GetAsync(ServerHarness.Space, id));
    }

    [Fact]
    public async Task Unknown_fields_are_kept_and_written_back_unchanged()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        server.State.UpdateConnector(ServerHarness.Space, id, new JsonObject
        {
            ["owner"] = new JsonObject { ["email"] = "data@example.com", ["tags"] = new JsonArray("a", "b") },
            ["sync_schedule"] = "0 * * * *",
        });
        using var client = server.Client();

        var connector = await client.Connectors.GetAsync(ServerHarness.Space, id);
        var written = JsonNode.Parse(JsonSerializer.Serialize(connector, Qarion.Client.Json.QarionJsonContext.Default.Connector))!;

        Assert.Equal("0 * * * *", connector.ExtensionData!["sync_schedule"].GetString());
        Assert.True(JsonNode.DeepEquals(server.State.FindConnector(ServerHarness.Space, id)!["owner"], written["owner"]));
        Assert.Equal("0 * * * *", written["sync_schedule"]!.GetValue<string>());
        Assert.Equal("jaffle_shop", written["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Connector_types_are_listed_from_their_items_envelope()
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client();

        var types = await client.Connectors.ListTypesAsync();

        var manifest = Assert.Single(types, t => t.Value == "dbt_manifest");
        Assert.Equal("dbt manifest upload", manifest.Label);
        Assert.Equal("transformation", manifest.Category);
        Assert.Contains(types, t => t.Value == "snowflake");
        Assert.Equal("/connector-types", server.Requests.Single().Path);
    }

    [Fact]
    public async Task Space_slugs_are_escaped_as_one_path_segment()
    {
        await using var server = await ServerHarness.StartAsync(o => o.Spaces.Add("team a/b"));
        using var client = server.Client();

        var list = await client.Connectors.ListAsync("team a/b");

        Assert.Empty(list);
        Assert.Equal("/catalog/spaces/team%20a%2Fb/connectors", server.Requests.Single().Path);
    }
}
