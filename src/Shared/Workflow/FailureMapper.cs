using Qarion.Client;
using Qarion.Dbt.Manifests;

namespace Qarion.Workflow;

/// <summary>
/// Gives each client exception its QRN code, for the task and the command line alike. The client's
/// messages already say what, where and what to do; which setting to change is added here, in the
/// host's own names (<see cref="SettingNames"/>). Null for an exception that is
/// not a known failure: it then travels on unchanged, with its stack.
/// </summary>
internal static class FailureMapper
{
    public static UploadFailure? From(Exception exception, IRunContext settings) => Map(exception, settings) is { } failure
        ? failure.WithCause(exception)
        : null;

    private static UploadFailure? Map(Exception exception, IRunContext settings) => exception switch
    {
        DbtManifestException m => Manifest(m, settings),
        QarionFileException f => File(f, settings),
        QarionAuthenticationException e => UploadFailure.Service(Codes.Unauthorized,
            e.Message + $" The key is read from the environment variable {settings.ApiKeyEnvironmentVariable} ({settings.Names.ApiKeyVariable})."),
        QarionPermissionDeniedException e => UploadFailure.Service(Codes.Forbidden, e.Message),
        QarionNotFoundException e => UploadFailure.Service(Codes.NotFound, e.Message + (settings.ConnectorId is null
            ? $" Check {settings.Names.Space} ('{settings.Space}'): the connector list of that space was not found."
            : $" Check {settings.Names.Space} ('{settings.Space}') and {settings.Names.ConnectorId} ('{settings.ConnectorId}').")),
        QarionCertificateException e => UploadFailure.Service(Codes.CertificateRefused,
            $"{e.WithoutAdvice} If this server uses a private certificate authority, make this machine trust it (docs: \"Private certificate authorities\"); otherwise check the host name in {settings.Names.ApiUrl}."),
        QarionRateLimitException e => UploadFailure.Service(Codes.RateLimited,
            $"{e.WithoutAdvice} {settings.Names.Sharers} that share this key ({settings.Names.ApiKeyVariable}) pace themselves together; to wait longer, raise {settings.Names.Timeout} or {settings.Names.Retries} ({settings.DeadlineAdvice})."),
        QarionServerException e => UploadFailure.Service(Codes.ServerError, e.Message),
        QarionSyncTimeoutException e => UploadFailure.Service(Codes.SyncTimeout, e.Message),
        QarionTimeoutException e => UploadFailure.Service(Codes.Timeout,
            $"{e.WithoutAdvice} Raise {settings.Names.Timeout} for large manifests or slow links ({settings.DeadlineAdvice}), or check that {settings.Names.ApiUrl} ({settings.ApiUrl}) is reachable."),
        QarionConnectionException e => UploadFailure.Service(Codes.ConnectionFailed, $"{e.WithoutAdvice} Check {settings.Names.ApiUrl}, the network and any proxy."),
        QarionPayloadTooLargeException e => UploadFailure.Service(Codes.TooLarge, e.Message),
        QarionConfigurationException e => UploadFailure.Config(Codes.BadApiUrl, e.Message),
        QarionException { StatusCode: >= (System.Net.HttpStatusCode)300 and < (System.Net.HttpStatusCode)400 } e => UploadFailure.Service(Codes.Refused,
            $"{e.WithoutAdvice} Set {settings.Names.ApiUrl} to the address the server redirects to."),
        QarionException e => UploadFailure.Service(Codes.Refused, e.Message),
        // Files are the manifest's only where a manifest is involved (a command line's other commands read none).
        FileNotFoundException e when settings.ManifestPath.Length > 0 => Missing(settings, e.Message),
        IOException or UnauthorizedAccessException when settings.ManifestPath.Length > 0 => new UploadFailure(Codes.ManifestUnreadable,
            $"The dbt manifest {settings.ManifestPath} could not be read: {exception.Message}", isServiceFailure: false, settings.ManifestPath),
        _ => null,
    };

    public static UploadFailure Missing(IRunContext settings, string? why = null) => new(
        Codes.ManifestMissing,
        (why is not null && why.Contains("symbolic link", StringComparison.Ordinal) ? why.TrimEnd('.') + "." : $"The dbt manifest {settings.ManifestPath} does not exist.") +
        $" Run `dbt build` or `dbt parse` in the dbt project first{settings.Names.AfterDbt}, or point {settings.Names.ManifestPath} at the file.",
        isServiceFailure: false);

    private static UploadFailure Manifest(DbtManifestException exception, IRunContext settings)
    {
        var manifestPath = settings.ManifestPath;
        var (code, advice) = exception.Problem switch
        {
            DbtManifestProblem.Empty => (Codes.ManifestEmpty, " Run `dbt parse` again to regenerate it; it was not uploaded."),
            DbtManifestProblem.InvalidJson => (Codes.ManifestInvalidJson, " Run `dbt parse` again to regenerate it (and resolve any merge conflict in it); it was not uploaded."),
            DbtManifestProblem.NotAManifest => (Codes.NotAManifest, $" {settings.Names.ManifestPath} must name dbt's target/manifest.json, not run_results.json or catalog.json; it was not uploaded."),
            DbtManifestProblem.Changed => (Codes.ManifestChanged, ChangedAdvice(settings.Names)),
            _ => (Codes.ManifestUnreadable, UnreadableAdvice),
        };
        // The diagnostic points at the file (a log line starts with its path), so the message does not repeat
        // it; but for a change, which the check sees as other bytes, the file and the moment are the news.
        var message = (exception.Problem == DbtManifestProblem.Changed ? $"The dbt manifest {manifestPath} changed while it was being uploaded. " : "") + exception.Message + advice;
        return new UploadFailure(code, message, isServiceFailure: false, manifestPath, exception.Line ?? 0, exception.Column ?? 0);
    }

    /// <summary>The client could not send the file as it was: it changed size while sent, or could not be read.</summary>
    private static UploadFailure File(QarionFileException exception, IRunContext settings) => exception.Problem == QarionFileProblem.Changed
        ? new UploadFailure(Codes.ManifestChanged, exception.Message, isServiceFailure: false, settings.ManifestPath)
        : new UploadFailure(Codes.ManifestUnreadable, exception.Message + UnreadableAdvice, isServiceFailure: false, settings.ManifestPath);

    /// <summary>An upload or sync answered without a job id: there is nothing to wait for.</summary>
    public static string RequireJobId(SyncJob job, IRunContext settings, bool afterUpload = true)
    {
        if (job.Id is not { Length: > 0 } id)
        {
            throw UploadFailure.Service(Codes.AnswerLacksField,
                $"The {(afterUpload ? "upload" : "sync")} was accepted, but its answer carried no sync job id (no \"id\" field), so there is no job to wait for.{(afterUpload ? " The manifest was uploaded; to go on, " : " To go on, ")}{settings.Names.NoWait}, or check that {settings.Names.ApiUrl} points at Qarion's API.");
        }

        return id;
    }

    /// <summary>A sync job that ended failed is QRN2101, with the reason the server gave.</summary>
    public static void ThrowIfFailed(SyncJob done, IRunContext settings, bool afterUpload = true)
    {
        if (done.State != SyncJobState.Failed)
        {
            return;
        }

        var reason = done.ErrorMessage
            ?? (done.ExtensionData?.TryGetValue("error_message", out var raw) == true ? raw.GetRawText() : "(no error message)");
        throw UploadFailure.Service(Codes.SyncFailed,
            $"Qarion's sync job {done.Id} for space '{settings.Space}' failed: {reason.TrimEnd('.')}.{(afterUpload ? " The manifest was uploaded; fix" : " Fix")} what the message says and {settings.Names.Again}.");
    }

    private const string UnreadableAdvice = " Fix the path or its permissions; nothing was uploaded.";

    /// <summary>The check's own words say the bytes changed; what that did to the upload, and what to do, is the task's to say.</summary>
    private static string ChangedAdvice(SettingNames names) => " The upload was stopped before its last byte, so the server did not receive it. " +
        $"Something else is writing the file {names.During} (a second dbt run, an editor, a sync tool): let it finish, then {names.Again}.";
}
