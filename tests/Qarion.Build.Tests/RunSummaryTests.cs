using System.Text.RegularExpressions;
using Qarion.Build.Tests.Support;
using Qarion.Testing;

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

    [Fact]
    public async Task A_summary_another_project_holds_for_a_moment_gets_the_row_once_it_is_free()
    {
        await using var server = await ServerHarness.StartAsync();
        var summary = Path.Combine(TestData.TempDirectory("summary"), "step_summary.md");
        // Another project of the same build is appending its row: the file is locked as the task comes to it.
        var other = new FileStream(summary, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var waits = 0;
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop") } };
        run.Environment["GITHUB_STEP_SUMMARY"] = summary;
        // The first wait for the lock is when the other project is done.
        run.Task.SummaryPause = _ =>
        {
            if (waits++ == 0)
            {
                other.Dispose();
            }
        };

        Assert.True(run.Execute(), run.Engine.AllText);
        other.Dispose();

        Assert.Equal(1, waits);
        Assert.Empty(run.Engine.Warnings);
        Assert.Single(File.ReadAllLines(summary), l => l.StartsWith("| jaffle |", StringComparison.Ordinal));
    }
}
