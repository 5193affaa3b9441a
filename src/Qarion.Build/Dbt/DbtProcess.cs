using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Qarion.Build.Dbt;

/// <summary>How a dbt process ended.</summary>
/// <param name="ExitCode">dbt's exit code: 0 success, 1 a node failed, 2 dbt itself failed (a compilation or parse error); null when it was stopped.</param>
/// <param name="TimedOut">It ran past its deadline and was stopped, with its children.</param>
/// <param name="NamedFile">The file the last "… Error in &lt;kind&gt; &lt;name&gt; (&lt;path&gt;)" line of its output names, if any.</param>
/// <param name="Elapsed">How long it ran.</param>
/// <param name="NamedLine">The source line dbt's Jinja error gives for that file ("line 12" on a line of its own), or 0.</param>
internal sealed record DbtExit(int? ExitCode, bool TimedOut, string? NamedFile, TimeSpan Elapsed, int NamedLine = 0);

/// <summary>
/// Runs dbt as a child process: its output streamed line by line to the log as it comes (each line bounded,
/// the count bounded), stopped with its whole process tree at the deadline or on cancellation.
/// </summary>
internal static partial class DbtProcess
{
    /// <summary>The longest line passed to the log; dbt's lines are short, a compiled query is not.</summary>
    internal const int MaxLineLength = 4000;

    /// <summary>How many lines of dbt's output reach the log; the rest is counted.</summary>
    internal const int MaxLines = 100_000;

    /// <summary>Throws <see cref="System.ComponentModel.Win32Exception"/> when the executable cannot be started (not found).</summary>
    public static DbtExit Run(DbtSettings settings, Action<string> line, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(settings.Executable)
        {
            WorkingDirectory = settings.ProjectDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in settings.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // dbt's colours are escape codes in a log file; its own switch turns them off.
        start.Environment["DBT_USE_COLORS"] = "false";
        foreach (var (name, value) in settings.Environment)
        {
            start.Environment[name] = value;
        }

        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        string? named = null;
        var namedLine = 0;
        var shown = 0;
        var gate = new object();
        void Take(string? text)
        {
            if (text is null)
            {
                return;
            }

            lock (gate)
            {
                if (ErrorIn().Match(text) is { Success: true } match)
                {
                    named = match.Groups["path"].Value;
                    namedLine = 0;
                }
                else if (named is not null && namedLine == 0 && DbtReport.SourceLine(text) is { } number)
                {
                    namedLine = number;
                }

                if (++shown <= MaxLines)
                {
                    line(text.Length > MaxLineLength ? text[..MaxLineLength] + "…" : text);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Take(e.Data);
        process.ErrorDataReceived += (_, e) => Take(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = new CancellationTokenSource(settings.Timeout);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            process.WaitForExitAsync(either.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // dbt and every child it started (adapters, a Python pool) stop now, not at their leisure.
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended meanwhile.
            }

            process.WaitForExit(10_000);
            cancellationToken.ThrowIfCancellationRequested();
            return new DbtExit(null, TimedOut: true, named, clock.Elapsed);
        }

        // The output's last lines, read to its end.
        process.WaitForExit();
        if (shown > MaxLines)
        {
            line($"({shown - MaxLines:N0} more lines of dbt's output not shown)");
        }

        return new DbtExit(process.ExitCode, TimedOut: false, named, clock.Elapsed, namedLine);
    }

    /// <summary>dbt's words for a node it could not compile or run: "Compilation Error in model orders (models/orders.sql)".</summary>
    [GeneratedRegex(@"\b[A-Z][a-z]+ Error in [a-z_ ]+ [^\s()]+ \((?<path>[^()\r\n]+\.(?:sql|yml|yaml|csv|py|md))\)", RegexOptions.CultureInvariant)]
    private static partial Regex ErrorIn();
}
