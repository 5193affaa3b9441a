using System.Text;
using Qarion.Build.Reporting;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>Where a row goes, for each CI, and how the end of an existing step summary is read: files on disk, no build.</summary>
public sealed class SummaryWriterTests
{
    private static readonly SummaryRow Row = new("dbt", "target/manifest.json", "space 'analytics'", "uploaded");
    private const string Table = "| Project | Manifest | Space and connector | Result |\n|---|---|---|---|\n";
    private const string OurRow = "| dbt | target/manifest.json | space 'analytics' | uploaded |\n";

    private static (SummaryWriter Writer, List<string> Announced) Writer(Dictionary<string, string> environment)
    {
        var announced = new List<string>();
        return (new SummaryWriter(name => environment.GetValueOrDefault(name), announced.Add), announced);
    }

    [Fact]
    public void Azure_pipelines_get_the_section_in_a_file_under_obj_announced_with_uploadsummary()
    {
        var obj = Path.Combine(TestData.TempDirectory("azure"), "obj", "qarion");
        var (writer, announced) = Writer(new() { ["TF_BUILD"] = "True" });

        writer.Write(Row, obj);

        var file = Path.Combine(obj, "summary.md");
        Assert.Equal("### Qarion\n\n" + Table + OurRow, File.ReadAllText(file));
        Assert.Equal([$"##vso[task.uploadsummary]{file}"], announced);
        Assert.Equal((byte)'#', File.ReadAllBytes(file)[0]);
    }

    [Fact]
    public void Outside_azure_or_without_an_obj_folder_nothing_is_written_or_announced()
    {
        var obj = Path.Combine(TestData.TempDirectory("no-azure"), "obj");
        var (outside, saidOutside) = Writer(new());
        var (noFolder, saidNoFolder) = Writer(new() { ["TF_BUILD"] = "True" });

        outside.Write(Row, obj);
        noFolder.Write(Row, null);

        Assert.False(Directory.Exists(obj));
        Assert.Empty(saidOutside);
        Assert.Empty(saidNoFolder);
    }

    [Fact]
    public void A_step_summary_that_is_only_our_table_gets_one_more_row()
    {
        var summary = Path.Combine(TestData.TempDirectory("table-only"), "summary.md");
        File.WriteAllText(summary, Table + "| other | m.json | c | uploaded |\n");
        var (writer, announced) = Writer(new() { ["GITHUB_STEP_SUMMARY"] = summary });

        writer.Write(Row, null);

        Assert.Equal(Table + "| other | m.json | c | uploaded |\n" + OurRow, File.ReadAllText(summary));
        Assert.Empty(announced);
    }

    private const int TailBytes = 64 * 1024;

    [Fact]
    public void A_large_summary_is_read_from_a_whole_line_so_a_header_cut_from_a_longer_line_is_not_taken_for_ours()
    {
        // The last 64 KB begin inside the line "notes | Project | …", exactly where the header's text starts: it is not our table.
        var header = "| Project | Manifest | Space and connector | Result |";
        var rows = new StringBuilder("\n|---|---|---|---|\n");
        while (header.Length + rows.Length + 18 < TailBytes)
        {
            rows.Append("| a | b | c | d |\n");
        }

        rows.Append("| " + new string('e', TailBytes - header.Length - rows.Length - 5) + " |\n");
        var text = new string('x', 70_000) + "\nnotes " + header + rows;
        Assert.Equal(text.Length - TailBytes, text.LastIndexOf(header, StringComparison.Ordinal));
        var summary = Path.Combine(TestData.TempDirectory("cut"), "summary.md");
        File.WriteAllText(summary, text);
        var (writer, _) = Writer(new() { ["GITHUB_STEP_SUMMARY"] = summary });

        writer.Write(Row, null);

        Assert.Equal(text + "\n### Qarion\n\n" + Table + OurRow, File.ReadAllText(summary));
    }

    [Fact]
    public void A_large_summary_whose_last_64_KB_start_at_a_line_break_keeps_our_table_growing()
    {
        var end = "### Qarion\n\n" + Table + "| a | b | c | d |\n";
        var text = new string('w', 10_000) + "\n" + new string('z', TailBytes - 1 - end.Length) + end;
        Assert.Equal('\n', text[text.Length - TailBytes]);
        var summary = Path.Combine(TestData.TempDirectory("at-break"), "summary.md");
        File.WriteAllText(summary, text);
        var (writer, _) = Writer(new() { ["GITHUB_STEP_SUMMARY"] = summary });

        writer.Write(Row, null);

        Assert.Equal(text + OurRow, File.ReadAllText(summary));
    }
}
