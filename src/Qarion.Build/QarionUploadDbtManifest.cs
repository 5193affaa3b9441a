using Microsoft.Build.Framework;
using Qarion.Build.Diagnostics;
using Qarion.Build.Upload;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace Qarion.Build;

/// <summary>
/// Uploads a dbt manifest.json to a Qarion connector. Parameters are strings so that a bad value is
/// a coded QRN error naming the property, not an MSBuild type error. The API key is never a
/// parameter: the task reads it from the environment variable named by ApiKeyEnvironmentVariable.
/// </summary>
public sealed class QarionUploadDbtManifest : MSBuildTask, ICancelableTask
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

    public void Cancel() => _cancel.Cancel();

    public override bool Execute()
    {
        var allowFailure = string.Equals(AllowFailure?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        try
        {
            var settings = UploadSettings.From(this);
            var uploader = new ManifestUploader(settings, new Logger(Log), GetEnvironmentVariable) { ConfigureClient = ConfigureClient };
            var outcome = uploader.RunAsync(_cancel.Token).GetAwaiter().GetResult();
            SyncJobId = outcome.SyncJobId;
            SyncJobStatus = outcome.SyncJobStatus;
            return !Log.HasLoggedErrors;
        }
        catch (UploadFailure failure)
        {
            var asWarning = allowFailure && failure.IsServiceFailure;
            var message = asWarning ? failure.Message + " (QarionAllowFailure=true: the build goes on.)" : failure.Message;
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

            return !Log.HasLoggedErrors;
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            Log.LogMessage(MessageImportance.High, "Qarion: upload cancelled; nothing was recorded as uploaded.");
            return false;
        }
    }

    private sealed class Logger(Microsoft.Build.Utilities.TaskLoggingHelper log) : IUploadLog
    {
        public void Summary(string message) => log.LogMessage(MessageImportance.High, message);

        public void Detail(string message) => log.LogMessage(MessageImportance.Normal, message);

        public void Warning(string code, string message, string? file = null) =>
            log.LogWarning(null, code, null, Codes.HelpLink(code), file ?? "", 0, 0, 0, 0, message);
    }
}
