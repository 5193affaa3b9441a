using Qarion.Build.Diagnostics;
using Qarion.Client;
using Qarion.Dbt.Manifests;

namespace Qarion.Build.Upload;

/// <summary>
/// Gives each client exception its QRN code. The client's messages already say what, where and what to
/// do; MSBuild-specific advice (which property to change) is added here. Null for an exception that is
/// not a known failure: it then travels on unchanged, with its stack.
/// </summary>
internal static class FailureMapper
{
    public static UploadFailure? From(Exception exception, UploadSettings settings) => Map(exception, settings) is { } failure
        ? failure.WithCause(exception)
        : null;

    private static UploadFailure? Map(Exception exception, UploadSettings settings) => exception switch
    {
        DbtManifestException m => Manifest(m, settings.ManifestPath),
        QarionFileException f => File(f, settings.ManifestPath),
        QarionAuthenticationException e => UploadFailure.Service(Codes.Unauthorized,
            e.Message + $" The key is read from the environment variable {settings.ApiKeyEnvironmentVariable} (QarionApiKeyEnvironmentVariable)."),
        QarionPermissionDeniedException e => UploadFailure.Service(Codes.Forbidden, e.Message),
        QarionNotFoundException e => UploadFailure.Service(Codes.NotFound, e.Message + (settings.ConnectorId is null
            ? $" Check QarionSpace ('{settings.Space}'): the connector list of that space was not found."
            : $" Check QarionSpace ('{settings.Space}') and QarionConnectorId ('{settings.ConnectorId}').")),
        QarionCertificateException e => UploadFailure.Service(Codes.CertificateRefused,
            $"{e.WithoutAdvice} If this server uses a private certificate authority, make this machine trust it (docs: \"Private certificate authorities\"); otherwise check the host name in QarionApiUrl."),
        QarionRateLimitException e => UploadFailure.Service(Codes.RateLimited,
            $"{e.WithoutAdvice} Builds that share this key (QarionApiKeyEnvironmentVariable) pace themselves together; to wait longer, raise QarionTimeoutSeconds or QarionMaxRetries ({settings.DeadlineAdvice})."),
        QarionServerException e => UploadFailure.Service(Codes.ServerError, e.Message),
        QarionSyncTimeoutException e => UploadFailure.Service(Codes.SyncTimeout, e.Message),
        QarionTimeoutException e => UploadFailure.Service(Codes.Timeout,
            $"{e.WithoutAdvice} Raise QarionTimeoutSeconds for large manifests or slow links ({settings.DeadlineAdvice}), or check that QarionApiUrl ({settings.ApiUrl}) is reachable."),
        QarionConnectionException e => UploadFailure.Service(Codes.ConnectionFailed, $"{e.WithoutAdvice} Check QarionApiUrl, the network and any proxy."),
        QarionPayloadTooLargeException e => UploadFailure.Service(Codes.TooLarge, e.Message),
        QarionConfigurationException e => UploadFailure.Config(Codes.BadApiUrl, e.Message),
        QarionException { StatusCode: >= (System.Net.HttpStatusCode)300 and < (System.Net.HttpStatusCode)400 } e => UploadFailure.Service(Codes.Refused,
            $"{e.WithoutAdvice} Set QarionApiUrl to the address the server redirects to."),
        QarionException e => UploadFailure.Service(Codes.Refused, e.Message),
        FileNotFoundException e => Missing(settings.ManifestPath, e.Message),
        IOException or UnauthorizedAccessException => new UploadFailure(Codes.ManifestUnreadable,
            $"The dbt manifest {settings.ManifestPath} could not be read: {exception.Message}", isServiceFailure: false, settings.ManifestPath),
        _ => null,
    };

    public static UploadFailure Missing(string manifestPath, string? why = null) => new(
        Codes.ManifestMissing,
        (why is not null && why.Contains("symbolic link", StringComparison.Ordinal) ? why.TrimEnd('.') + "." : $"The dbt manifest {manifestPath} does not exist.") +
        " Run `dbt build` or `dbt parse` in the dbt project first " +
        "(hook this upload after that step with QarionUploadAfterTargets), or point QarionManifestPath at the file.",
        isServiceFailure: false);

    private static UploadFailure Manifest(DbtManifestException exception, string manifestPath)
    {
        var (code, advice) = exception.Problem switch
        {
            DbtManifestProblem.Empty => (Codes.ManifestEmpty, " Run `dbt parse` again to regenerate it; it was not uploaded."),
            DbtManifestProblem.InvalidJson => (Codes.ManifestInvalidJson, " Run `dbt parse` again to regenerate it (and resolve any merge conflict in it); it was not uploaded."),
            DbtManifestProblem.NotAManifest => (Codes.NotAManifest, " QarionManifestPath must name dbt's target/manifest.json, not run_results.json or catalog.json; it was not uploaded."),
            DbtManifestProblem.Changed => (Codes.ManifestChanged, ChangedAdvice),
            _ => (Codes.ManifestUnreadable, UnreadableAdvice),
        };
        // The diagnostic points at the file (a log line starts with its path), so the message does not repeat
        // it; but for a change, which the check sees as other bytes, the file and the moment are the news.
        var message = (exception.Problem == DbtManifestProblem.Changed ? $"The dbt manifest {manifestPath} changed while it was being uploaded. " : "") + exception.Message + advice;
        return new UploadFailure(code, message, isServiceFailure: false, manifestPath, exception.Line ?? 0, exception.Column ?? 0);
    }

    /// <summary>The client could not send the file as it was: it changed size while sent, or could not be read.</summary>
    private static UploadFailure File(QarionFileException exception, string manifestPath) => exception.Problem == QarionFileProblem.Changed
        ? new UploadFailure(Codes.ManifestChanged, exception.Message, isServiceFailure: false, manifestPath)
        : new UploadFailure(Codes.ManifestUnreadable, exception.Message + UnreadableAdvice, isServiceFailure: false, manifestPath);

    private const string UnreadableAdvice = " Fix the path or its permissions; nothing was uploaded.";

    /// <summary>The check's own words say the bytes changed; what that did to the upload, and what to do, is the task's to say.</summary>
    private const string ChangedAdvice = " The upload was stopped before its last byte, so the server did not receive it. " +
        "Something else is writing the file during the build (a second dbt run, an editor, a sync tool): let it finish, then build again.";
}
