namespace Qarion.Cli.Tests;

/// <summary>Text from a server is data, never a command: a connector's name cannot issue a CI log command through qarion, in either output form.</summary>
[Collection(ToolCollection.Name)]
public sealed class HostileTextTests(ToolFixture tool) : ToolTest(tool)
{
    private const string Hostile = "dbt\n::error::pwned ##vso[task.setvariable variable=x]1 ##[error]boom";

    [Fact]
    public async Task A_connector_s_name_cannot_issue_log_commands_in_a_table_or_in_json()
    {
        var id = Server.Seed(Hostile);

        var table = await QarionAsync("connectors", "list", "--space", ServerHarness.Space);
        var json = await QarionAsync("connectors", "get", "--space", ServerHarness.Space, "--connector", id, "-o", "json");
        var notFound = await QarionAsync("connectors", "get", "--space", ServerHarness.Space, "--connector", "other");

        foreach (var result in new[] { table, json, notFound })
        {
            foreach (var line in result.All.Split('\n'))
            {
                Assert.DoesNotContain("##vso[", line, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("##[", line, StringComparison.Ordinal);
                Assert.False(line.TrimStart().StartsWith("::", StringComparison.Ordinal), "a line starts a GitHub command: " + line);
            }
        }

        Assert.True(table.Out.Contains("dbt ::error::pwned ##vso [task.setvariable", StringComparison.Ordinal), table.ToString());
        // JSON keeps the data exact: the bracket is written as its escape, and parses back to the name.
        Assert.Equal(Hostile, json.Json["connector"]!["name"]!.GetValue<string>());
        Assert.Equal(4, notFound.ExitCode);
    }

    [Fact]
    public async Task A_server_that_echoes_the_key_has_it_masked_in_every_output()
    {
        Server.State.Faults.Add(new Qarion.LocalServer.State.Fault { Status = 400, Body = "echo", PathContains = "/connectors" });

        var result = await QarionAsync("connectors", "list", "--space", ServerHarness.Space, "-o", "json");

        // QarionAsync has already held every form of the key absent from both streams.
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("***", result.Error, StringComparison.Ordinal);
    }
}
