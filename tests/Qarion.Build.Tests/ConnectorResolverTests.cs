using Qarion.Workflow;
using Qarion.Build.Upload;
using Qarion.LocalServer.Hosting;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>QarionConnectorName to one id, against the local server, without a build: which name wins, and each message word for word.</summary>
public sealed class ConnectorResolverTests
{
    private static UploadSettings ByName(string name) => new()
    {
        ManifestPath = "/p/target/manifest.json",
        Space = ServerHarness.Space,
        ConnectorName = name,
        ApiUrl = new Uri("https://api.qarion.com/"),
        ApiKeyEnvironmentVariable = "QARION_API_KEY",
    };

    private static async Task<(string Id, string Name)> Resolve(ServerHarness server, string name)
    {
        using var client = server.Client();
        return await ConnectorResolver.ResolveAsync(client, ByName(name), CancellationToken.None);
    }

    private static async Task<UploadFailure> Refused(ServerHarness server, string name, string code)
    {
        var failure = await Assert.ThrowsAsync<UploadFailure>(() => Resolve(server, name));
        Assert.Equal(code, failure.Code);
        Assert.True(failure.IsServiceFailure);
        return failure;
    }

    [Fact]
    public async Task An_id_given_is_used_without_a_request()
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client();
        var settings = ByName("unused") with { ConnectorName = null, ConnectorId = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f" };

        Assert.Equal(("6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"), await ConnectorResolver.ResolveAsync(client, settings, CancellationToken.None));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_name_matched_exactly_wins_over_one_differing_in_case_and_one_differing_in_case_alone_is_found()
    {
        // Seeded at start: the server's own create refuses a name that differs from another only in case.
        const string upper = "11111111-1111-4111-8111-111111111111", exact = "22222222-2222-4222-8222-222222222222", only = "44444444-4444-4444-8444-444444444444";
        await using var server = await ServerHarness.StartAsync(o =>
        {
            o.Connectors.Add(new SeedConnector(ServerHarness.Space, "DBT", "dbt_manifest", upper));
            o.Connectors.Add(new SeedConnector(ServerHarness.Space, "dbt", "dbt_manifest", exact));
            o.Connectors.Add(new SeedConnector(ServerHarness.Space, "Dbt", "dbt_manifest", "33333333-3333-4333-8333-333333333333"));
            o.Connectors.Add(new SeedConnector(ServerHarness.Space, "Orders", "dbt_manifest", only));
        });

        Assert.Equal((exact, "dbt"), await Resolve(server, "dbt"));
        Assert.Equal((upper, "DBT"), await Resolve(server, "DBT"));
        Assert.Equal((only, "Orders"), await Resolve(server, "orders"));
        var folded = await Refused(server, "dBt", Codes.ConnectorNameAmbiguous);
        Assert.StartsWith($"3 connectors are named 'dBt' in space '{ServerHarness.Space}': ", folded.Message);
    }

    [Fact]
    public async Task An_unknown_name_in_an_empty_space_says_to_create_the_connector()
    {
        await using var server = await ServerHarness.StartAsync();

        var failure = await Refused(server, "dbt", Codes.ConnectorNameUnknown);

        Assert.Equal($"No connector named 'dbt' in space '{ServerHarness.Space}'. The space has no connectors yet: create a dbt_manifest connector in Qarion first. Fix QarionConnectorName, or set QarionConnectorId to the connector's id.", failure.Message);
    }

    [Fact]
    public async Task An_unknown_name_lists_the_named_connectors_with_their_types()
    {
        await using var server = await ServerHarness.StartAsync();
        server.Seed("orders");
        server.Seed("", type: "dbt_manifest");
        server.Seed("hubspot", type: "");

        var failure = await Refused(server, "dbt", Codes.ConnectorNameUnknown);

        Assert.Equal($"No connector named 'dbt' in space '{ServerHarness.Space}'. Connectors in the space: 'orders' (dbt_manifest), 'hubspot' (type not given). Fix QarionConnectorName, or set QarionConnectorId to the connector's id.", failure.Message);
    }

    [Theory]
    [InlineData(20, "")]
    [InlineData(21, " and 1 more")]
    public async Task Twenty_names_are_listed_and_any_beyond_are_counted(int connectors, string more)
    {
        await using var server = await ServerHarness.StartAsync();
        for (var i = 0; i < connectors; i++)
        {
            server.Seed($"c{i:00}");
        }

        var failure = await Refused(server, "dbt", Codes.ConnectorNameUnknown);

        var listed = string.Join(", ", Enumerable.Range(0, 20).Select(i => $"'c{i:00}' (dbt_manifest)"));
        Assert.Contains($"Connectors in the space: {listed}{more}. Fix", failure.Message);
    }

    [Fact]
    public async Task A_long_name_is_listed_cut_at_100_characters()
    {
        await using var server = await ServerHarness.StartAsync();
        // Each entry is "'name' (dbt_manifest)": 83 characters of name make exactly 100, 84 make 101.
        var fits = new string('a', 83);
        var over = new string('b', 84);
        server.Seed(fits);
        server.Seed(over);

        var failure = await Refused(server, "dbt", Codes.ConnectorNameUnknown);

        Assert.Contains($"Connectors in the space: '{fits}' (dbt_manifest), '{over}' (dbt_manifest…. Fix", failure.Message);
    }

    [Fact]
    public async Task An_ambiguous_name_lists_the_ids_and_a_missing_id_is_said()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault
        {
            Status = 200,
            Method = "GET",
            PathContains = "/connectors",
            Body = "text",
            Detail = """[{"id": "a1", "name": "dbt", "connector_type": "dbt_manifest"}, {"id": "", "name": "dbt", "connector_type": ""}]""",
        });

        var failure = await Refused(server, "dbt", Codes.ConnectorNameAmbiguous);

        Assert.Equal($"2 connectors are named 'dbt' in space '{ServerHarness.Space}': a1 (dbt_manifest), (no id) (type not given). Set QarionConnectorId to the id of the one you mean, or rename the others in Qarion.", failure.Message);
    }

    [Theory]
    [InlineData("""[{"name": "dbt"}]""", "missing")]
    [InlineData("""[{"id": true, "name": "dbt"}]""", "true, not a string")]
    public async Task The_one_match_without_a_usable_id_says_what_its_id_field_was(string list, string said)
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 200, Method = "GET", PathContains = "/connectors", Body = "text", Detail = list });

        var failure = await Refused(server, "dbt", Codes.AnswerLacksField);

        Assert.Equal(
            $"The connector named 'dbt' in space '{ServerHarness.Space}' came without an id in GET /catalog/spaces/{ServerHarness.Space}/connectors (its \"id\" field is {said}), so there is nowhere to upload. Set QarionConnectorId to the connector's id as Qarion's UI shows it.",
            failure.Message);
    }

    [Fact]
    public async Task The_one_match_with_a_dot_segment_id_is_refused_before_anything_is_sent_to_it()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 200, Method = "GET", PathContains = "/connectors", Body = "text", Detail = """[{"id": "..", "name": "dbt"}]""" });

        var failure = await Refused(server, "dbt", Codes.AnswerLacksField);

        Assert.Equal(
            $"The connector named 'dbt' in space '{ServerHarness.Space}' came with the id '..' in GET /catalog/spaces/{ServerHarness.Space}/connectors, which cannot be put in a request path (it would address another resource), so nothing was sent to it. Set QarionConnectorId to the connector's id as Qarion's UI shows it.",
            failure.Message);
    }
}
