using System.Text;
using System.Text.RegularExpressions;

namespace Qarion.Build.Reporting;

/// <summary>One project's line on the CI run's page: which manifest, where to, and what happened.</summary>
internal sealed record SummaryRow(string Project, string Manifest, string Target, string Result);

/// <summary>The Markdown of the run summary: one table, one row per project. Never the key, never a URL's query string.</summary>
internal static partial class RunSummary
{
    public const string Title = "### Qarion";

    public const string Header = "| Project | Manifest | Space and connector | Result |";

    private const string Rule = "|---|---|---|---|";

    public static string Section(SummaryRow row) => $"{Title}\n\n{Header}\n{Rule}\n{Row(row)}\n";

    public static string Row(SummaryRow row) =>
        $"| {Cell(row.Project)} | {Cell(row.Manifest)} | {Cell(row.Target)} | {Cell(row.Result)} |";

    /// <summary>Appends the row to the table already at the end of <paramref name="existing"/>, or starts a new section.</summary>
    public static string Append(string existing, SummaryRow row)
    {
        var lines = existing.TrimEnd('\n', '\r').Split('\n');
        var header = Array.LastIndexOf(lines, Header);
        var tableIsLast = header >= 0 && lines.Skip(header).All(l => l.StartsWith('|'));
        return tableIsLast ? Row(row) + "\n" : (existing.Length > 0 && !existing.EndsWith("\n\n", StringComparison.Ordinal) ? "\n" : "") + Section(row);
    }

    private static string Cell(string text)
    {
        var clean = Qarion.Client.Http.ServerText.Neutralize(QueryString().Replace(text, "$1")).Replace("|", "\\|", StringComparison.Ordinal).Trim();
        return clean.Length > 400 ? clean[..400] + "…" : clean;
    }

    /// <summary>A URL's query string may hold a token: a summary never shows it.</summary>
    [GeneratedRegex(@"(https?://[^\s?#]+)\?[^\s)]*", RegexOptions.CultureInvariant)]
    private static partial Regex QueryString();
}
