using System.Diagnostics;
using System.Text;

namespace Qarion.Testing;

/// <summary>
/// Runs `dotnet …` as a CI or a developer would: a clean environment (no CI variables unless a test
/// sets them, no MSBuild variables leaking from the test host), node reuse off.
/// </summary>
public static class DotnetRunner
{
    /// <summary>CI, pull-request and run-summary variables: a child build sees only those its test sets, never the machine's own.</summary>
    private static readonly string[] CiVariables =
    [
        "CI", "TF_BUILD", "GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL", "TEAMCITY_VERSION", "BUILDKITE", "ContinuousIntegrationBuild",
        "BITBUCKET_BUILD_NUMBER", "CIRCLECI", "GITHUB_EVENT_NAME", "GITHUB_STEP_SUMMARY", "BUILD_REASON", "CI_MERGE_REQUEST_IID",
        "CI_PIPELINE_SOURCE", "BITBUCKET_PR_ID", "BUILDKITE_PULL_REQUEST", "CHANGE_ID", "CIRCLE_PULL_REQUEST",
    ];

    public static Task<ProcessResult> RunAsync(string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null) =>
        RunProgramAsync("dotnet", workingDirectory, arguments, environment, timeout);

    public static async Task<ProcessResult> RunProgramAsync(
        string program, string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null, Func<Process, Task>? whileRunning = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.ToList())
        {
            if (CiVariables.Contains(name) || name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("QARION", StringComparison.Ordinal)
                || name is "DOTNET_HOST_PATH" or "VSTEST_HOST_DEBUG" or "NUGET_PACKAGES")
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var lockObject = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (lockObject) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (lockObject) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(4));
        try
        {
            if (whileRunning is not null)
            {
                await whileRunning(process);
            }

            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish:\n{output}");
        }

        process.WaitForExit();
        lock (lockObject)
        {
            return new ProcessResult(process.ExitCode, output.ToString());
        }
    }
}
