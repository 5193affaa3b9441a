using Qarion.Build.Tests.Support;
using Qarion.LocalServer.Hosting;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>Resolving a connector by name in a space of any size: names compared as Unicode text, and messages that stay one short line.</summary>
public sealed class ConnectorListTests
{
    private static readonly string Jaffle = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

    [Fact]
    public async Task A_name_typed_in_another_unicode_normal_form_finds_its_connector()
    {
        const string composed = "caf\u00e9_orders";
        const string decomposed = "cafe\u0301_orders";
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed(composed);
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorName = decomposed } };

        Assert.True(run.Execute(), run.Engine.AllText);

        Assert.Equal(id, Assert.Single(server.State.Uploads).ConnectorId);
    }

    [Fact]
    public async Task An_unknown_name_in_a_huge_space_lists_twenty_names_and_how_many_more()
    {
        await using var server = await ServerHarness.StartAsync(o =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                o.Connectors.Add(new SeedConnector(ServerHarness.Space, $"connector_{i:00000}", "dbt_manifest", null));
            }
        });
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorName = "missing" } };

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN2004", error.Code);
        Assert.Contains("'connector_00019' (dbt_manifest) and 49,980 more.", error.Message);
        Assert.DoesNotContain("connector_00020", error.Message);
        Assert.InRange(error.Message!.Length, 100, 2_000);
        Assert.All(run.Engine.Messages, m => Assert.InRange(m.Message!.Length, 0, 4_000));
    }

    [Fact]
    public async Task An_ambiguous_name_lists_twenty_ids_and_how_many_more()
    {
        await using var server = await ServerHarness.StartAsync(o =>
        {
            for (var i = 0; i < 30; i++)
            {
                o.Connectors.Add(new SeedConnector(ServerHarness.Space, "twin", "dbt_manifest", null));
            }
        });
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorName = "twin" } };

        Assert.False(run.Execute());

        Assert.Equal("QRN2005", run.ErrorCode);
        Assert.Contains("30 connectors are named 'twin'", run.Engine.Errors[0].Message);
        Assert.Contains("(dbt_manifest) and 10 more.", run.Engine.Errors[0].Message);
    }

    [Fact]
    public async Task Dbt_and_DBT_are_two_connectors_and_the_exact_name_wins_without_QRN2005()
    {
        var id = Guid.NewGuid().ToString();
        // Seeded directly: the local server, like many, refuses a second name that differs only in case.
        await using var server = await ServerHarness.StartAsync(o =>
        {
            o.Connectors.Add(new SeedConnector(ServerHarness.Space, "DBT", "dbt_manifest", Guid.NewGuid().ToString()));
            o.Connectors.Add(new SeedConnector(ServerHarness.Space, "dbt", "dbt_manifest", id));
        });
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorName = "dbt" } };

        Assert.True(run.Execute(), run.Engine.AllText);

        Assert.Equal(id, Assert.Single(server.State.Uploads).ConnectorId);
    }

    [Fact]
    public async Task A_space_of_a_million_connectors_is_searched_as_it_arrives_and_the_upload_goes_to_the_match()
    {
        var id = new Guid(999_999, 0, 0, new byte[8]).ToString();
        await using var server = await ServerHarness.StartAsync(o => o.Connectors.Add(new SeedConnector(ServerHarness.Space, "connector_999999", "dbt_manifest", id)));
        server.State.Faults.Add(new LocalServer.State.Fault { Status = 200, Body = "connectors", Items = 1_000_000, PathContains = "/connectors", Method = "GET" });
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorName = "connector_999999" } };

        Assert.True(run.Execute(), run.Engine.AllText);

        Assert.Equal(id, Assert.Single(server.State.Uploads).ConnectorId);
    }

    [Fact]
    public async Task An_upload_whose_answer_never_ends_is_reported_uploaded_and_recorded()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new LocalServer.State.Fault { EndlessAfter = true, PathContains = "dbt-manifest" });
        var stamp = Path.Combine(TestData.TempDirectory("endless"), "upload.stamp");
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop"), StampFile = stamp, TimeoutSeconds = "5" } };

        Assert.True(run.Execute(), run.Engine.AllText);

        Assert.Single(server.State.Uploads);
        Assert.Contains(run.Engine.HighMessages, m => m.Contains("uploaded", StringComparison.Ordinal) && m.Contains("(no id returned)", StringComparison.Ordinal));
        Assert.True(File.Exists(stamp));
    }
}
