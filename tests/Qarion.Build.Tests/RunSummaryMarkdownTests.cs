using Qarion.Build.Reporting;

namespace Qarion.Build.Tests;

/// <summary>The run summary's Markdown, exactly: a new section, or one more row of the table that ends the page.</summary>
public sealed class RunSummaryMarkdownTests
{
    private static readonly SummaryRow Row = new("dbt", "target/manifest.json", "space 'analytics'", "uploaded");
    private const string Table = "### Qarion\n\n| Project | Manifest | Space and connector | Result |\n|---|---|---|---|\n| dbt | target/manifest.json | space 'analytics' | uploaded |\n";

    [Theory]
    [InlineData("", Table)]
    [InlineData("## Build\n\nEarlier.\n", "\n" + Table)]
    [InlineData("## Build\n\nEarlier.\n\n", Table)]
    [InlineData(Table, "| dbt | target/manifest.json | space 'analytics' | uploaded |\n")]
    [InlineData(Table + "\nSomething after the table.\n", "\n" + Table)]
    public void A_row_joins_the_table_that_ends_the_page_or_starts_a_section_of_its_own(string existing, string appended)
    {
        Assert.Equal(appended, RunSummary.Append(existing, Row));
    }

    [Theory]
    [InlineData(400, false)]
    [InlineData(401, true)]
    public void A_cell_is_cut_after_400_characters(int length, bool cut)
    {
        var row = RunSummary.Row(Row with { Result = new string('r', length) });

        Assert.Equal($"| dbt | target/manifest.json | space 'analytics' | {new string('r', 400)}{(cut ? "…" : "")} |", row);
    }

    [Fact]
    public void A_url_in_a_cell_loses_its_query_string()
    {
        var row = RunSummary.Row(Row with { Result = "failed: https://api.example/x?sig=abc then more" });

        Assert.Equal("| dbt | target/manifest.json | space 'analytics' | failed: https://api.example/x then more |", row);
    }
}
