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

    [Fact]
    public async Task Completion_suggests_commands_and_options_through_the_suggest_directive()
    {
        var commands = await QarionAsync("[suggest]", "conn");
        var upload = await QarionAsync("[suggest:19]", "connectors upload-d");

        Assert.Equal(0, commands.ExitCode);
        Assert.Equal(["connector-types", "connectors"], commands.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal("upload-dbt-manifest", upload.Out.Trim());
    }

    [Fact]
    public async Task It_installs_as_a_local_tool_from_a_tool_manifest_too()
    {
        var repository = TestData.TempDirectory("cli-local-tool");

        var manifest = await DotnetRunner.RunAsync(repository, ["new", "tool-manifest"]);
        var install = await DotnetRunner.RunAsync(repository, ["tool", "install", "Qarion.Cli", "--add-source", Tool.Feed, "--version", ToolFixture.Version]);
        var run = await DotnetRunner.RunAsync(repository, ["tool", "run", "qarion", "--", "--version"]);

        Assert.True(manifest.ExitCode == 0, manifest.Output);
        Assert.True(install.ExitCode == 0, install.Output);
        // Where `dotnet new tool-manifest` puts it depends on the SDK (.config/ before .NET 10, the folder itself since).
        var toolManifest = Directory.GetFiles(repository, "dotnet-tools.json", SearchOption.AllDirectories).Single();
        Assert.Contains("\"qarion\"", await File.ReadAllTextAsync(toolManifest), StringComparison.Ordinal);
        Assert.Equal((0, ToolFixture.Version), (run.ExitCode, run.Output.Trim()));
    }
}
