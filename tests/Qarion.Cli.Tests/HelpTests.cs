namespace Qarion.Cli.Tests;

/// <summary>qarion --help and each command's help: every command and option said, exit 0, no request.</summary>
[Collection(ToolCollection.Name)]
public sealed class HelpTests(ToolFixture tool) : ToolTest(tool)
{
    [Theory]
    [InlineData(new string[0], new[] { "connectors", "connector-types", "--space", "--api-url", "--api-key-env", "--output", "--timeout", "--retries", "QARION_API_KEY" })]
    [InlineData(new[] { "connectors" }, new[] { "list", "get", "create", "update", "delete", "sync", "sync-history", "upload-dbt-manifest" })]
    [InlineData(new[] { "connectors", "create" }, new[] { "--name", "--type", "--config", "--source-system-id", "--field", "--space" })]
    [InlineData(new[] { "connectors", "update" }, new[] { "--connector", "--name", "--type", "--config", "--active", "--field" })]
    [InlineData(new[] { "connectors", "upload-dbt-manifest" }, new[] { "--connector", "--file", "--check-only", "--wait", "--wait-timeout", "target/manifest.json" })]
    [InlineData(new[] { "connectors", "sync" }, new[] { "--connector", "--wait", "--wait-timeout" })]
    [InlineData(new[] { "connectors", "sync-history" }, new[] { "--connector", "--page", "--size" })]
    [InlineData(new[] { "connectors", "list" }, new[] { "--space", "--output" })]
    [InlineData(new[] { "connector-types" }, new[] { "--output" })]
    public async Task Help_names_every_command_and_option(string[] command, string[] mentions)
    {
        var result = await QarionAsync([.. command, "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Out, StringComparison.Ordinal);
        foreach (var mention in mentions)
        {
            Assert.Contains(mention, result.Out, StringComparison.Ordinal);
        }

        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Version_is_the_packed_one()
    {
        var result = await QarionAsync("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("0.0.0-test.", result.Out, StringComparison.Ordinal);
    }
}
