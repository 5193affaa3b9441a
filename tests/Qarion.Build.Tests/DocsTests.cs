using System.Reflection;
using System.Text.RegularExpressions;
using Qarion.Workflow;
using Qarion.Build.Tests.Support;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>The docs a reader navigates: every code has its section, and every link between pages lands.</summary>
public sealed partial class DocsTests
{
    private static IEnumerable<string> CodesInTheTask() =>
        typeof(Codes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string) && ((string)f.GetRawConstantValue()!).StartsWith("QRN", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!);

    private static IEnumerable<string> CodesInTheTargets() =>
        Directory.EnumerateFiles(Path.Combine(TestData.RepositoryRoot, "build"), "*.targets")
            .SelectMany(f => Code().Matches(File.ReadAllText(f)).Select(m => m.Value));

    [Fact]
    public void Every_code_the_task_or_the_targets_can_raise_has_its_section_in_the_diagnostics_page_and_no_section_is_stale()
    {
        var sections = Section().Matches(Docs.Read("docs/diagnostics.md")).Select(m => m.Groups[1].Value).ToHashSet();
        var raised = CodesInTheTask().Concat(CodesInTheTargets()).ToHashSet();

        Assert.Contains("QRN1001", raised);
        Assert.Contains("QRN3002", CodesInTheTargets());
        Assert.Empty(raised.Except(sections));
        Assert.Empty(sections.Except(raised));
    }

    public static TheoryData<string> Pages() => new(Docs.Pages());

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_link_to_a_page_of_the_repository_lands_on_a_file_and_a_heading_that_exist(string page)
    {
        var broken = new List<string>();
        foreach (Match link in Link().Matches(Docs.Read(page)))
        {
            var (target, anchor) = (link.Groups["path"].Value, link.Groups["anchor"].Value);
            var file = target.Length == 0 ? page : Path.GetRelativePath(TestData.RepositoryRoot,
                Path.GetFullPath(Path.Combine(TestData.RepositoryRoot, Path.GetDirectoryName(page)!, target))).Replace('\\', '/');
            var full = Path.Combine(TestData.RepositoryRoot, file);
            if (!File.Exists(full) && !Directory.Exists(full))
            {
                broken.Add($"{link.Value}: no {file}");
            }
            else if (anchor.Length > 0 && (!file.EndsWith(".md", StringComparison.Ordinal) || !Anchors(File.ReadAllText(full)).Contains(anchor)))
            {
                broken.Add($"{link.Value}: no heading #{anchor} in {file}");
            }
        }

        Assert.Empty(broken);
    }

    [Fact]
    public async Task The_setup_pages_curl_commands_create_the_connector_and_show_the_sync_history_on_the_local_server()
    {
        await using var server = await ServerHarness.StartAsync(o => o.Spaces.Add("marketing-analytics"));
        var blocks = Docs.Blocks(Docs.Read("docs/qarion-setup.md"), "sh");
        Assert.Equal(2, blocks.Count);
        var environment = new Dictionary<string, string?> { ["QARION_BASE_URL"] = server.Server.Url.ToString().TrimEnd('/'), ["QARION_API_KEY"] = ServerHarness.Key };

        var created = await DotnetRunner.RunProgramAsync("bash", TestData.RepositoryRoot, ["-euc", blocks[0]], environment);
        var history = await DotnetRunner.RunProgramAsync("bash", TestData.RepositoryRoot, ["-euc", blocks[1]], environment);

        Assert.True(created.ExitCode == 0, created.ToString());
        var connector = Assert.Single(server.State.ListConnectors("marketing-analytics"));
        Assert.Equal(("jaffle_shop", "dbt_manifest"), (connector["name"]!.GetValue<string>(), connector["connector_type"]!.GetValue<string>()));
        Assert.Contains(connector["id"]!.GetValue<string>(), created.Output);
        Assert.True(history.ExitCode == 0, history.ToString());
        Assert.StartsWith("{", history.Output.TrimStart(), StringComparison.Ordinal);
        Assert.Null(KeyForms.FoundIn(created.Output + history.Output));
    }

    /// <summary>GitHub's anchors: each heading lower-cased, punctuation dropped, spaces as hyphens; and explicit ids.</summary>
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = Heading().Matches(markdown)
            .Select(m => Punctuation().Replace(m.Groups[1].Value.Trim().ToLowerInvariant(), "").Replace(' ', '-'))
            .ToHashSet();
        anchors.UnionWith(ExplicitId().Matches(markdown).Select(m => m.Groups[1].Value));
        return anchors;
    }

    [GeneratedRegex(@"\bQRN\d{4}\b")]
    private static partial Regex Code();

    [GeneratedRegex(@"^## (QRN\d{4})\s*$", RegexOptions.Multiline)]
    private static partial Regex Section();

    /// <summary>A Markdown link that is not to the web: (path), (path#anchor) or (#anchor).</summary>
    [GeneratedRegex(@"\]\((?!https?:|mailto:)(?<path>[^)#\s]*)(?:#(?<anchor>[^)\s]+))?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6} (.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex Punctuation();

    [GeneratedRegex("<a id=\"([^\"]+)\"></a>")]
    private static partial Regex ExplicitId();
}
