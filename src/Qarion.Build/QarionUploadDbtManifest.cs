using Microsoft.Build.Framework;
using Qarion.Build.Diagnostics;
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

    /// <summary>Why the build checks only, for the line that says so (a pull-request build, or QarionCheckOnly).</summary>
    public string? CheckOnlyReason { get; set; }

    /// <summary>The project being built: where configuration errors point.</summary>
    public string? ProjectFile { get; set; }

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
        var logger = new Logger(Log, ProjectName());
        ManifestUploader? uploader = null;
        try
        {
            var settings = UploadSettings.From(this);
            uploader = new ManifestUploader(settings, logger, GetEnvironmentVariable) { ConfigureClient = ConfigureClient, SyncProgressInterval = SyncProgressInterval };
            if (FailIfNotIncremental)
            {
                return Question(uploader);
            }

            var outcome = UploadSettings.Flag(CheckOnly)
                ? uploader.CheckOnlyAsync(UploadSettings.Blank(CheckOnlyReason) ?? "QarionCheckOnly is true", _cancel.Token).GetAwaiter().GetResult()
                : uploader.RunAsync(_cancel.Token).GetAwaiter().GetResult();
            SyncJobId = outcome.SyncJobId;
            SyncJobStatus = outcome.SyncJobStatus;
            Summarize(new SummaryRow(ProjectName(), outcome.Manifest, outcome.Target, outcome.Result));
            return !Log.HasLoggedErrors;
        }
        catch (UploadFailure failure)
        {
            if (failure.Cause is { } cause)
            {
                // The whole chain, for whoever reads a detailed log or a binlog; the error line says what to do.
                Log.LogMessage(MessageImportance.Low, "Qarion: the failure in full: " + ServerText.NeutralizeLines(Scrub(cause.ToString())));
            }

            var asWarning = allowFailure && failure.IsServiceFailure;
            // The message may quote a server: one line, no CI command in it.
            var message = ServerText.Neutralize(asWarning ? failure.Message + " (QarionAllowFailure=true: the build goes on.)" : failure.Message);
            var file = failure.File ?? ProjectFile ?? BuildEngine?.ProjectFileOfTaskNode ?? "";
            var line = (int)Math.Min(failure.Line, int.MaxValue);
            var column = (int)Math.Min(failure.Column, int.MaxValue);
            if (asWarning)
            {
                Log.LogWarning(null, failure.Code, null, Codes.HelpLink(failure.Code), file, line, column, 0, 0, message);
            }
            else
            {
                Log.LogError(null, failure.Code, null, Codes.HelpLink(failure.Code), file, line, column, 0, 0, message);
            }

            Summarize(new SummaryRow(ProjectName(), Path.GetFileName(ManifestPath), UploadSettings.Blank(Space) is { } space ? $"space '{space}'" : "",
                $"{(asWarning ? "warning" : "failed")} {failure.Code}: {Scrub(failure.Message)}"));

            return !Log.HasLoggedErrors;
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            logger.Summary(uploader switch
            {
                { Uploaded: true } => $"Qarion: the manifest was uploaded (sync job {uploader.UploadedJob ?? "(no id)"}), but waiting for the sync was cancelled. The upload is not recorded, so the next build sends it again.",
                { Sending: true } => "Qarion: upload cancelled while the manifest was being sent or answered: the server may or may not have it. Nothing was recorded as uploaded, so the next build sends it again.",
                _ => "Qarion: upload cancelled before anything was sent; nothing was recorded as uploaded.",
            });
            return false;
        }
    }

    /// <summary>-question: an up-to-date manifest passes; one that would be uploaded fails the question, and nothing is sent.</summary>
    private bool Question(ManifestUploader uploader)
    {
        var why = uploader.WhyUploadAsync(_cancel.Token).GetAwaiter().GetResult();
        if (why is null)
        {
            Log.LogMessage(MessageImportance.Normal, $"Qarion: {ProjectName()}: the manifest is up to date: no upload would happen.");
            return true;
        }

        Log.LogError(null, Codes.QuestionWouldUpload, null, Codes.HelpLink(Codes.QuestionWouldUpload), ProjectFile ?? "", 0, 0, 0, 0,
            $"Qarion: {ProjectName()}: the build would upload {ManifestPath}: {why}. Nothing was sent (-question).");
        return false;
    }

    /// <summary>The run's page in CI shows this project's row; a summary that cannot be written never fails the build.</summary>
    private void Summarize(SummaryRow row)
    {
        try
        {
            var obj = string.IsNullOrEmpty(StampFile) ? null : Path.GetDirectoryName(Path.GetFullPath(StampFile));
            new SummaryWriter(GetEnvironmentVariable, line => Log.LogMessage(MessageImportance.High, line)) { Pause = SummaryPause }.Write(row, obj);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var why = ex is SummaryProblem ? ex.Message : $"the CI run summary could not be written: {ex.Message}";
            Log.LogWarning(null, Codes.SummaryNotWritten, null, Codes.HelpLink(Codes.SummaryNotWritten), ProjectFile ?? "", 0, 0, 0, 0,
                ServerText.Neutralize($"Qarion: {ProjectName()}: {why}. The build's result stands; point GITHUB_STEP_SUMMARY at a writable regular file to get the row."));
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
    private string Scrub(string text)
    {
        var key = GetEnvironmentVariable(string.IsNullOrWhiteSpace(ApiKeyEnvironmentVariable) ? "QARION_API_KEY" : ApiKeyEnvironmentVariable.Trim())?.Trim();
        return string.IsNullOrEmpty(key) ? text : new Qarion.Client.Http.SecretScrubber(key).Scrub(text);
    }

    /// <summary>Every line names the project, so several projects in one `dotnet build -m` can be told apart.</summary>
    private sealed class Logger(Microsoft.Build.Utilities.TaskLoggingHelper log, string project) : IUploadLog
    {
        public void Summary(string message) => log.LogMessage(MessageImportance.High, Named(message));

        public void Detail(string message) => log.LogMessage(MessageImportance.Normal, Named(message));

        public void Debug(string message) => log.LogMessage(MessageImportance.Low, Named(message));

        /// <summary>Lines may quote a server (a connector's name, a sync job's error): one line each, no CI command in it.</summary>
        private string Named(string message) => ServerText.Neutralize(
            message.StartsWith("Qarion: ", StringComparison.Ordinal) ? $"Qarion: {project}: {message["Qarion: ".Length..]}" : message);

        public void Warning(string code, string message, string? file = null) =>
            log.LogWarning(null, code, null, Codes.HelpLink(code), file ?? "", 0, 0, 0, 0, ServerText.Neutralize(message));
    }
}
