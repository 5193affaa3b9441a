using System.Globalization;
using Qarion.Workflow;
using Qarion.Dbt.Manifests;

namespace Qarion.Build.Dbt;

/// <summary>One thing dbt found, as a diagnostic on the file of its node (and its line, when dbt's message gives the source's).</summary>
internal sealed record DbtFinding(string Code, bool IsError, string File, string Message, int Line = 0);

/// <summary>
/// A run's results as MSBuild diagnostics: an error or a failed test is an error, a warning test a warning,
/// each on the file that defines its node (a generic test's is the YAML that declares it; a package's node
/// lives under dbt_packages/). One summary line counts them.
/// </summary>
internal static partial class DbtReport
{
    /// <summary>The longest message of dbt's quoted in a diagnostic: a database error can carry a whole query.</summary>
    internal const int MaxMessageLength = 2000;

    public static IReadOnlyList<DbtFinding> Findings(DbtRunResults results, string projectDirectory, string fallbackFile)
    {
        var findings = new List<DbtFinding>();
        foreach (var result in results.Results)
        {
            var (code, isError, what) = result.Status switch
            {
                DbtResultStatus.Error => (Codes.DbtNodeError, true, $"{Kind(result)} {result.Name} failed"),
                DbtResultStatus.Fail => (Codes.DbtTestFailed, true, $"test {result.Name} failed"),
                DbtResultStatus.Warn => (Codes.DbtTestWarned, false, $"test {result.Name} warned"),
                _ => (null, false, ""),
            };
            if (code is null)
            {
                continue;
            }

            var file = result.Node?.FileIn(projectDirectory, results.ProjectName) ?? fallbackFile;
            var line = result.Node is not null && (result.Message ?? "").Split('\n').Select(SourceLine).FirstOrDefault(n => n is not null) is { } number ? number : 0;
            findings.Add(new DbtFinding(code, isError, file, $"Qarion: dbt: {what}{Rows(result)}: {Quote(result.Message)}", line));
        }

        return findings;
    }

    /// <summary>"dbt build: 38 passed, 1 warned, 1 failed, 2 skipped in 12.3 s".</summary>
    public static string Summary(string command, DbtRunResults results, TimeSpan elapsed)
    {
        var passed = results.Count(DbtResultStatus.Success) + results.Count(DbtResultStatus.Pass);
        var failed = results.Count(DbtResultStatus.Error) + results.Count(DbtResultStatus.Fail);
        var other = results.Count(DbtResultStatus.Other);
        return string.Create(CultureInfo.InvariantCulture,
            $"dbt {command}: {passed} passed, {results.Count(DbtResultStatus.Warn)} warned, {failed} failed, {results.Count(DbtResultStatus.Skipped)} skipped{(other > 0 ? $", {other} other" : "")} in {elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>The step's run-summary row: the counts, and which nodes failed or warned (at most ten named).</summary>
    public static Reporting.SummaryRow Row(string project, DbtSettings settings, DbtRunResults results, TimeSpan elapsed)
    {
        var failed = results.Results.Where(r => r.Status is DbtResultStatus.Error or DbtResultStatus.Fail).Select(r => r.Name).ToList();
        var warned = results.Results.Where(r => r.Status == DbtResultStatus.Warn).Select(r => r.Name).ToList();
        var counts = Summary(settings.Command, results, elapsed)[$"dbt {settings.Command}: ".Length..];
        return new Reporting.SummaryRow(project, $"dbt {settings.Command}", Reporting.Wording.Display(settings.ProjectDirectory),
            counts + Named("failed", failed) + Named("warned", warned));
    }

    private static string Named(string what, List<string> names) =>
        names.Count == 0 ? "" : $"; {what}: {string.Join(", ", names.Take(10))}{(names.Count > 10 ? $" and {names.Count - 10} more" : "")}";

    /// <summary>
    /// The source line a dbt (Jinja) compilation error gives, on a line of its own: "  line 12". A database's
    /// "LINE 12:" is of the compiled SQL, not of the file, and is not taken.
    /// </summary>
    public static int? SourceLine(string text) =>
        SourceLineText().Match(text) is { Success: true } match && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var line) && line > 0 ? line : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*line (\d{1,9})\s*$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex SourceLineText();

    private static string Kind(DbtRunResult result) => result.Node?.ResourceType is { Length: > 0 } type ? type : result.UniqueId.Split('.')[0];

    private static string Rows(DbtRunResult result) => result.Failures is > 0 and var rows ? string.Create(CultureInfo.InvariantCulture, $" ({rows:N0} rows)") : "";

    private static string Quote(string? message)
    {
        var text = string.Join(' ', (message ?? "(dbt gave no message)").Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
        return text.Length > MaxMessageLength ? text[..MaxMessageLength] + "…" : text;
    }
}
