using Microsoft.Build.Framework;
using Qarion.Workflow;
using Qarion.Build.Reporting;
using Qarion.Build.Upload;
using Qarion.Client.Http;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace Qarion.Build;

/// <summary>
/// Uploads a dbt manifest.json to a Qarion connector. Parameters are strings so that a bad value is
/// a coded QRN error naming the property, not an MSBuild type error. The API key is never a
/// parameter: the task reads it from the environment variable named by ApiKeyEnvironmentVariable.
/// </summary>
public sealed class QarionUploadDbtManifest : MSBuildTask, ICancelableTask, IIncrementalTask
{
    private readonly CancellationTokenSource _cancel = new();

    [Required]
    public string ManifestPath { get; set; } = "";

    public string? Space { get; set; }

    public string? ConnectorId { get; set; }

    public string? ConnectorName { get; set; }

    public string? ApiUrl { get; set; }

    /// <summary>The name of the variable that holds the key, never the key.</summary>
    public string? ApiKeyEnvironmentVariable { get; set; }

    public string? TimeoutSeconds { get; set; }

    public string? MaxRetries { get; set; }

    public string? WaitForSync { get; set; }

    public string? SyncTimeoutSeconds { get; set; }

    public string? SyncPollSeconds { get; set; }

    public string? AllowFailure { get; set; }

    public string? ForceUpload { get; set; }

    /// <summary>"true": check the manifest (and the connector, given a key) but send nothing.</summary>
    public string? CheckOnly { get; set; }

    /// <summary>Why the build checks only: "QarionCheckOnly" (asked for), "PullRequest" (the pull-request default) or "NotCI" (a developer build); the line words it.</summary>
    public string? CheckOnlyReason { get; set; }

    /// <summary>The pull request the CI says this build is for, as the targets describe it (e.g. "GitHub Actions, event pull_request"), or empty.</summary>
    public string? PullRequest { get; set; }

    /// <summary>The project being built: where configuration errors point.</summary>
    public string? ProjectFile { get; set; }

    /// <summary>Where each code's help link points, the code's anchor appended: the targets' _QarionHelpBase, the docs of the packed version.</summary>
    public string? HelpBase { get; set; }

    /// <summary>Where a developer build records the manifest it last checked (under obj/).</summary>
    public string? CheckStampFile { get; set; }

    /// <summary>Where the record of the last successful upload is kept (under obj/).</summary>
    public string? StampFile { get; set; }

    [Output]
    public string? SyncJobId { get; private set; }

    [Output]
    public string? SyncJobStatus { get; private set; }

    /// <summary>A seam for tests: where environment variables are read.</summary>
    internal Func<string, string?> GetEnvironmentVariable { get; set; } = Environment.GetEnvironmentVariable;

    /// <summary>A seam for tests: adjusts the client (retry waits) before use.</summary>
    internal Action<Qarion.Client.QarionClientOptions>? ConfigureClient { get; set; }

    /// <summary>Set by <c>dotnet build -question</c>: say whether an upload would happen, and never send.</summary>
    public bool FailIfNotIncremental { get; set; }

    public void Cancel() => _cancel.Cancel();

    public override bool Execute()
    {
        var allowFailure = UploadSettings.Flag(AllowFailure);
        var project = ProjectName();
        var logger = new Logger(Log, project, HelpBase);
        // Read once, before anything can fail, so that every message below can be scrubbed of it.
        var key = UploadSettings.ReadKey(GetEnvironmentVariable, UploadSettings.KeyVariable(ApiKeyEnvironmentVariable));
        var progress = new UploadProgress();
        try
        {
            var settings = UploadSettings.From(this, key);
            var uploader = new ManifestUploader(settings, logger, project) { ConfigureClient = ConfigureClient, SyncProgressInterval = SyncProgressInterval };
            if (FailIfNotIncremental)
            {
                return Question(uploader, settings);
            }

            var outcome = uploader.RunAsync(progress, _cancel.Token).GetAwaiter().GetResult();
            SyncJobId = outcome.SyncJobId;
            SyncJobStatus = outcome.SyncJobStatus;
            Summarize(outcome.Row, key);
            return !Log.HasLoggedErrors;
        }
        catch (UploadFailure failure)
        {
            if (failure.Cause is { } cause)
            {
                // The whole chain, for whoever reads a detailed log or a binlog; the error line says what to do.
                Log.LogMessage(MessageImportance.Low, Wording.FullFailure(ServerText.NeutralizeLines(Scrub(cause.ToString(), key))));
            }

            var asWarning = allowFailure && failure.IsServiceFailure;
            // The message may quote a server: one line, no CI command in it.
            var message = ServerText.Neutralize(asWarning ? Wording.AllowedFailure(failure.Message) : failure.Message);
            var file = failure.File ?? ProjectFile ?? BuildEngine?.ProjectFileOfTaskNode ?? "";
            var line = (int)Math.Min(failure.Line, int.MaxValue);
            var column = (int)Math.Min(failure.Column, int.MaxValue);
            if (asWarning)
            {
                Log.LogWarning(null, failure.Code, null, Codes.HelpLink(failure.Code, HelpBase), file, line, column, 0, 0, message);
            }
            else
            {
                Log.LogError(null, failure.Code, null, Codes.HelpLink(failure.Code, HelpBase), file, line, column, 0, 0, message);
            }

            Summarize(Wording.FailedRow(project, ManifestPath, UploadSettings.Blank(Space), UploadSettings.Blank(ConnectorId), UploadSettings.Blank(ConnectorName), failure.Code, Scrub(failure.Message, key), asWarning), key);
            return !Log.HasLoggedErrors;
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            logger.Summary(Wording.Cancelled(progress));
            return false;
        }
    }

    /// <summary>-question: an up-to-date manifest passes; one that would be uploaded fails the question, and nothing is sent.</summary>
    private bool Question(ManifestUploader uploader, UploadSettings settings)
    {
        var decision = uploader.QuestionAsync(_cancel.Token).GetAwaiter().GetResult();
        switch (decision.Action)
        {
            case UploadAction.Skip:
                Log.LogMessage(MessageImportance.Normal, Named(Wording.QuestionUpToDate(decision, settings)));
                return true;
            case UploadAction.CheckOnly:
                Log.LogMessage(MessageImportance.Normal, Named(Wording.QuestionChecksOnly(decision.Reason)));
                return true;
            default:
                Log.LogError(null, Codes.QuestionWouldUpload, null, Codes.HelpLink(Codes.QuestionWouldUpload, HelpBase), ProjectFile ?? "", 0, 0, 0, 0,
                    Named(Wording.QuestionWouldUpload(ManifestPath, decision.Reason)));
                return false;
        }
    }

    /// <summary>The run's page in CI shows this project's row; a summary that cannot be written never fails the build.</summary>
    private void Summarize(SummaryRow row, string? key)
    {
        try
        {
            var obj = string.IsNullOrEmpty(StampFile) ? null : Path.GetDirectoryName(Path.GetFullPath(StampFile));
            new SummaryWriter(GetEnvironmentVariable, line => Log.LogMessage(MessageImportance.High, line)) { Pause = SummaryPause }.Write(row, obj);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var why = ex is SummaryProblem ? ex.Message : $"the CI run summary could not be written: {ex.Message}";
            Log.LogWarning(null, Codes.SummaryNotWritten, null, Codes.HelpLink(Codes.SummaryNotWritten, HelpBase), ProjectFile ?? "", 0, 0, 0, 0,
                ServerText.Neutralize(Named(Wording.SummaryNotWritten(Scrub(why, key)))));
        }
    }

    /// <summary>A seam for tests: how often a long sync wait reports.</summary>
    internal TimeSpan SyncProgressInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A seam for tests: the short wait while another project holds the run summary.</summary>
    internal Action<TimeSpan> SummaryPause { get; set; } = Thread.Sleep;

    private string ProjectName()
    {
        var project = ProjectFile ?? BuildEngine?.ProjectFileOfTaskNode;
        return string.IsNullOrEmpty(project) ? "(project)" : Path.GetFileNameWithoutExtension(project);
    }

    /// <summary>The exception texts are the client's, already scrubbed; the key is masked once more here all the same.</summary>
    private static string Scrub(string text, string? key) => key is null ? text : new SecretScrubber(key).Scrub(text);

    /// <summary>The project's name after "Qarion: ", as every line has it.</summary>
    private string Named(string message) => Logger.Named(ProjectName(), message);

    /// <summary>Every line names the project, so several projects in one `dotnet build -m` can be told apart.</summary>
    private sealed class Logger(Microsoft.Build.Utilities.TaskLoggingHelper log, string project, string? helpBase) : IUploadLog
    {
        public void Summary(string message) => log.LogMessage(MessageImportance.High, Named(message));

        public void Detail(string message) => log.LogMessage(MessageImportance.Normal, Named(message));

        public void Debug(string message) => log.LogMessage(MessageImportance.Low, Named(message));

        private string Named(string message) => Named(project, message);

        /// <summary>Lines may quote a server (a connector's name, a sync job's error): one line each, no CI command in it.</summary>
        public static string Named(string project, string message) => ServerText.Neutralize(
            message.StartsWith("Qarion: ", StringComparison.Ordinal) ? $"Qarion: {project}: {message["Qarion: ".Length..]}" : message);

        public void Warning(string code, string message, string? file = null) =>
            log.LogWarning(null, code, null, Codes.HelpLink(code, helpBase), file ?? "", 0, 0, 0, 0, ServerText.Neutralize(message));
    }
}
