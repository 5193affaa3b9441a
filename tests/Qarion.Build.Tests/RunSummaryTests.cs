using System.Text.RegularExpressions;
using Qarion.Build.Tests.Support;
using Qarion.Tests.Shared;

namespace Qarion.Build.Tests;

/// <summary>The run summary's table keeps its shape whatever its cells hold.</summary>
public sealed class RunSummaryTests
{
    private static readonly string Jaffle = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

    [Fact]
    public async Task Pipes_in_the_project_the_connector_and_the_message_leave_the_table_four_columns_wide()
    {
        await using var server = await ServerHarness.StartAsync();
        server.Seed("a|real|one");
        var summary = Path.Combine(TestData.TempDirectory("summary"), "step_summary.md");
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorName = "mis|typed", ProjectFile = "/repo/dbt/ja|ffle.proj" } };
        run.Environment["GITHUB_STEP_SUMMARY"] = summary;

        Assert.False(run.Execute());

        Assert.Equal("QRN2004", run.ErrorCode);
        var row = Assert.Single(File.ReadAllLines(summary), l => l.StartsWith("| ja", StringComparison.Ordinal));
        // Five unescaped bars: four cells. Every bar the cells hold is escaped.
        Assert.Equal(5, Regex.Matches(row, @"(?<!\\)\|").Count);
        Assert.Contains(@"ja\|ffle", row);
        Assert.Contains(@"'mis\|typed'", row);
        Assert.Contains(@"'a\|real\|one'", row);
    }
}
