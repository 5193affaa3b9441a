using System.ComponentModel;
using Microsoft.Build.Framework;
using Qarion.Build.Dbt;
using Qarion.Workflow;
using Qarion.Build.Reporting;
using Qarion.Build.Upload;
using Qarion.Client.Http;
using Qarion.Dbt.Manifests;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace Qarion.Build;

/// <summary>
/// Runs a dbt command in the dbt project and turns what it found into MSBuild diagnostics: each failed
/// node or test an error on its file, each warning test a warning, and one summary line. dbt's own
/// output is streamed to the log at normal importance, scrubbed of the API key and of CI log commands.
/// </summary>
public sealed class QarionRunDbt : MSBuildTask, ICancelableTask, IIncrementalTask
{
    private readonly CancellationTokenSource _cancel = new();

    /// <summary>build, run, test, seed, snapshot, parse, compile or docs generate.</summary>
    [Required]
    public string Command { get; set; } = "";

    /// <summary>The dbt executable: a name found on PATH, or a path. Default dbt.</summary>
    public string? Executable { get; set; }

    /// <summary>The folder that holds dbt_project.yml.</summary>
    [Required]
    public string ProjectDirectory { get; set; } = "";

    public string? Target { get; set; }

    public string? ProfilesDirectory { get; set; }

    public string? Select { get; set; }

    public string? Exclude { get; set; }

    public string? Vars { get; set; }

    /// <summary>More arguments for dbt, split at white space (double quotes keep a part whole).</summary>
    public string? ExtraArguments { get; set; }

    public string? TimeoutSeconds { get; set; }

    /// <summary>Variables set for dbt, as NAME=value (as Exec's EnvironmentVariables): a profile's settings, say.</summary>
    public string[]? EnvironmentVariables { get; set; }

    /// <summary>The variable that holds the Qarion API key, so dbt's output is scrubbed of it too.</summary>
    public string? ApiKeyEnvironmentVariable { get; set; }

    /// <summary>The project being built: where an error without a file of its own points.</summary>
    public string? ProjectFile { get; set; }

    public string? HelpBase { get; set; }

    /// <summary>obj/qarion/: where Azure Pipelines' summary file for the step is written.</summary>
    public string? IntermediateDirectory { get; set; }

    /// <summary>A seam for tests: where environment variables are read.</summary>
    internal Func<string, string?> GetEnvironmentVariable { get; set; } = Environment.GetEnvironmentVariable;

    /// <summary>Set by <c>dotnet build -question</c>: dbt is never run then; the question fails, as the step would run.</summary>
    public bool FailIfNotIncremental { get; set; }

    public void Cancel() => _cancel.Cancel();

    /// <summary>The project's name, after "Qarion: " in every line, as the upload's lines have it.</summary>
    private string _project = "(project)";

    private string Named(string line) => line.StartsWith("Qarion: ", StringComparison.Ordinal) ? $"Qarion: {_project}: {line["Qarion: ".Length..]}" : line;

    public override bool Execute()
    {
        var project = string.IsNullOrEmpty(ProjectFile ?? BuildEngine?.ProjectFileOfTaskNode) ? "(project)" : Path.GetFileNameWithoutExtension(ProjectFile ?? BuildEngine!.ProjectFileOfTaskNode);
        _project = project;
        var key = UploadSettings.ReadKey(GetEnvironmentVariable, UploadSettings.KeyVariable(ApiKeyEnvironmentVariable));
        var scrubber = key is null ? null : new SecretScrubber(key);
        string Clean(string text) => ServerText.Neutralize(scrubber?.Scrub(text) ?? text);
        var projectFile = ProjectFile ?? BuildEngine?.ProjectFileOfTaskNode ?? "";
        void Error(string code, string file, string message, int line = 0) =>
            Log.LogError(null, code, null, Codes.HelpLink(code, HelpBase), file, line, 0, 0, 0, Clean($"Qarion: {project}: {message}"));

        DbtSettings settings;
        try
        {
            settings = DbtSettings.From(this);
        }
        catch (UploadFailure failure)
        {
            Error(failure.Code, projectFile, failure.Message);
            return false;
        }

        // parse and compile read only the project: when nothing they read changed, their manifest stands.
        var stamp = settings.IsIncremental && UploadSettings.Blank(IntermediateDirectory) is { } obj ? Path.Combine(Path.GetFullPath(obj), $"dbt-{settings.Command}.stamp") : null;
        var inputs = stamp is null ? null : DbtInputs.Fingerprint(settings);
        if (stamp is not null && File.Exists(settings.ManifestPath) && File.Exists(stamp) && File.ReadAllText(stamp).Trim() == inputs)
        {
            Log.LogMessage(MessageImportance.High, Clean(Named(Wording.DbtSkipped(settings.Command, settings.ManifestPath))));
            return true;
        }

        if (FailIfNotIncremental)
        {
            // Every dbt command the step runs acts on the warehouse or re-reads the project: never up to date by itself.
            Error(Codes.DbtWouldRun, projectFile, Wording.DbtWouldRun(settings.Command, settings.ProjectDirectory));
            return false;
        }

        // What the results file was before dbt started: a file it did not write again is an earlier run's.
        var before = File.Exists(settings.RunResultsPath) ? File.GetLastWriteTimeUtc(settings.RunResultsPath) : (DateTime?)null;
        Log.LogMessage(MessageImportance.High, Clean(Named(Wording.DbtStarting(settings.Command, settings.ProjectDirectory))));
        DbtExit exit;
        try
        {
            exit = DbtProcess.Run(settings, text => Log.LogMessage(MessageImportance.Normal, Clean(text)), _cancel.Token);
        }
        catch (Win32Exception ex)
        {
            Error(Codes.DbtNotFound, projectFile,
                Wording.DbtNotFound(settings.Executable, ex.Message));
            return false;
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            Log.LogMessage(MessageImportance.High, Clean(Named(Wording.DbtCancelled(settings.Command))));
            return false;
        }

        if (exit.TimedOut)
        {
            Error(Codes.DbtTimedOut, projectFile,
                Wording.DbtTimedOut(settings.Command, settings.Timeout));
            return false;
        }

        var results = settings.WritesResults ? ReadResults(settings, before, project, Clean) : null;
        if (results is not null)
        {
            foreach (var finding in DbtReport.Findings(results, settings.ProjectDirectory, projectFile))
            {
                var message = Clean(Named(finding.Message));
                if (finding.IsError)
                {
                    Log.LogError(null, finding.Code, null, Codes.HelpLink(finding.Code, HelpBase), finding.File, finding.Line, 0, 0, 0, message);
                }
                else
                {
                    Log.LogWarning(null, finding.Code, null, Codes.HelpLink(finding.Code, HelpBase), finding.File, finding.Line, 0, 0, 0, message);
                }
            }

            Log.LogMessage(MessageImportance.High, Clean(Named("Qarion: " + DbtReport.Summary(settings.Command, results, exit.Elapsed))));
            Summarize(DbtReport.Row(project, settings, results, exit.Elapsed), project, projectFile, Clean);
        }

        if (stamp is not null)
        {
            RecordInputs(stamp, exit.ExitCode == 0 && !Log.HasLoggedErrors ? inputs : null);
        }

        if (exit.ExitCode != 0 && !Log.HasLoggedErrors)
        {
            // No result says why: dbt itself failed (exit 2: a compilation or parse error), as its lines above say.
            var file = exit.NamedFile is { } named ? Path.GetFullPath(Path.Combine(settings.ProjectDirectory, named.Replace('\\', '/'))) : projectFile;
            Error(Codes.DbtFailedWithoutResults, file,
                Wording.DbtFailedWithoutResults(settings.Command, exit.ExitCode, exit.NamedFile), exit.NamedFile is null ? 0 : exit.NamedLine);
        }

        return !Log.HasLoggedErrors;
    }

    /// <summary>Where the upload's row goes, the dbt step's goes too: the counts and the nodes that failed. It never fails the build.</summary>
    private void Summarize(SummaryRow row, string project, string projectFile, Func<string, string> clean)
    {
        try
        {
            var obj = UploadSettings.Blank(IntermediateDirectory) is { } directory ? Path.GetFullPath(directory) : null;
            new SummaryWriter(GetEnvironmentVariable, line => Log.LogMessage(MessageImportance.High, line)).Write(row, obj, "dbt-summary.md");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var why = ex is SummaryProblem ? ex.Message : $"the CI run summary could not be written: {ex.Message}";
            Log.LogWarning(null, Codes.SummaryNotWritten, null, Codes.HelpLink(Codes.SummaryNotWritten, HelpBase), projectFile, 0, 0, 0, 0,
                clean(Named(Wording.SummaryNotWritten(why))));
        }
    }

    /// <summary>What the run read, kept for the next build (a failed run keeps nothing). A record that cannot be written only costs a run.</summary>
    private static void RecordInputs(string stamp, string? inputs)
    {
        try
        {
            if (inputs is null)
            {
                File.Delete(stamp);
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(stamp)!);
            File.WriteAllText(stamp, inputs);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The next build runs dbt again.
        }
    }

    /// <summary>This run's results, or null: a file written before dbt started belongs to an earlier run and is never read as this one's.</summary>
    private DbtRunResults? ReadResults(DbtSettings settings, DateTime? before, string project, Func<string, string> clean)
    {
        var path = settings.RunResultsPath;
        if (!File.Exists(path) || File.GetLastWriteTimeUtc(path) == before)
        {
            Log.LogMessage(MessageImportance.Normal, clean(Named(Wording.DbtNoResults(path))));
            return null;
        }

        try
        {
            return DbtRunResultsReader.ReadAsync(path, settings.ManifestPath, _cancel.Token).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is DbtRunResultsException or DbtManifestException or IOException or UnauthorizedAccessException)
        {
            Log.LogWarning(null, Codes.DbtResultsUnread, null, Codes.HelpLink(Codes.DbtResultsUnread, HelpBase), path, 0, 0, 0, 0,
                clean(Named(Wording.DbtResultsUnread(ex.Message))));
            return null;
        }
    }
}
