using System.Text.RegularExpressions;

namespace Qarion.Cli.Tests;

/// <summary>The README's command-line recipe, run as written (its `qarion` lines) against the local server: the connector it creates receives the manifest.</summary>
[Collection(ToolCollection.Name)]
public sealed partial class ReadmeRecipeTests(ToolFixture tool) : ToolTest(tool)
{
    [Fact]
    public async Task The_readme_s_qarion_lines_create_the_connector_and_upload_to_it()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(TestData.RepositoryRoot, "README.md"));
        var section = readme[readme.IndexOf("## Command line", StringComparison.Ordinal)..];
        var block = Block().Match(section).Groups[1].Value;
        var environment = Environment();
        foreach (Match export in Export().Matches(block))
        {
            if (export.Groups[1].Value != "QARION_API_KEY")
            {
                environment[export.Groups[1].Value] = export.Groups[2].Value;
            }
        }

        Assert.Equal("marketing-analytics", environment["QARION_SPACE"]);
        await using var server = await ServerHarness.StartAsync(o => o.Spaces.Add("marketing-analytics"));
        environment["QARION_BASE_URL"] = server.Server.Url.ToString();
        var project = TestData.TempDirectory("readme-recipe");
        Directory.CreateDirectory(Path.Combine(project, "target"));
        File.Copy(TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json"), Path.Combine(project, "target", "manifest.json"));

        var lines = block.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("qarion ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        foreach (var line in lines)
        {
            var result = await CliRun.RunAsync(Tool.Qarion, line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1), environment, workingDirectory: project);
            Assert.True(result.ExitCode == 0, line + "\n" + result);
        }

        var connector = Assert.Single(server.State.ListConnectors("marketing-analytics"));
        Assert.Equal(("jaffle_shop", "dbt_manifest"), (connector["name"]!.GetValue<string>(), connector["connector_type"]!.GetValue<string>()));
        Assert.Equal(connector["id"]!.GetValue<string>(), Assert.Single(server.State.Uploads).ConnectorId);
    }

    [GeneratedRegex("```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Block();

    [GeneratedRegex(@"(QARION_[A-Z_]+)=(\S+)")]
    private static partial Regex Export();
}
