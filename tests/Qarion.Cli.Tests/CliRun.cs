using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Qarion.Cli.Tests;

/// <summary>What one run of the installed qarion did: its exit code, and its two streams apart.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    /// <summary>The one JSON document --output json prints on standard output (it fails if there is more, or none).</summary>
    public JsonNode Json => JsonNode.Parse(Out) ?? throw new Xunit.Sdk.XunitException("no JSON document on standard output:\n" + this);

    public string All => Out + Error;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Error}";
}

/// <summary>Runs the installed qarion as a process: a clean environment (no CI, no QARION_* of the machine's), the key and the server's URL given.</summary>
public static class CliRun
{
    public static async Task<CliResult> RunAsync(
        string qarion, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, Func<Process, Task>? whileRunning = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(qarion)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? TestData.RepositoryRoot,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("QARION", StringComparison.Ordinal) || name is "CI" or "TF_BUILD" or "GITHUB_ACTIONS")
            {
                start.Environment.Remove(name);
            }
        }

        // The tool targets net8.0 and rolls forward to the runtime this machine has.
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            if (whileRunning is not null)
            {
                await whileRunning(process);
            }

            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"qarion {string.Join(' ', arguments)} did not finish:\n{await stdout}{await stderr}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
