using Qarion.Build.Diagnostics;
using Qarion.Client;
using Qarion.Client.Manifests;

namespace Qarion.Build.Upload;

/// <summary>Gives each client exception its QRN code. The client's messages already say what, where and what to do.</summary>
internal static class FailureMapper
{
    public static UploadFailure From(Exception exception, string manifestPath) => exception switch
    {
        DbtManifestException m => Manifest(m, manifestPath),
        QarionAuthenticationException e => UploadFailure.Service(Codes.Unauthorized, e.Message),
        QarionPermissionDeniedException e => UploadFailure.Service(Codes.Forbidden, e.Message),
        QarionNotFoundException e => UploadFailure.Service(Codes.NotFound, e.Message),
        QarionRateLimitException e => UploadFailure.Service(Codes.RateLimited, e.Message),
        QarionServerException e => UploadFailure.Service(Codes.ServerError, e.Message),
        QarionSyncTimeoutException e => UploadFailure.Service(Codes.SyncTimeout, e.Message),
        QarionTimeoutException e => UploadFailure.Service(Codes.Timeout, e.Message),
        QarionConnectionException e => UploadFailure.Service(Codes.ConnectionFailed, e.Message),
        QarionPayloadTooLargeException e => UploadFailure.Service(Codes.TooLarge, e.Message),
        QarionConfigurationException e => UploadFailure.Config(Codes.BadApiUrl, e.Message),
        QarionException e => UploadFailure.Service(Codes.Refused, e.Message),
        FileNotFoundException e => Missing(manifestPath, e.Message),
        IOException or UnauthorizedAccessException => new UploadFailure(Codes.ManifestUnreadable,
            $"The dbt manifest {manifestPath} could not be read: {exception.Message}", isServiceFailure: false, manifestPath),
        _ => throw exception,
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
            DbtManifestProblem.Changed => (Codes.ManifestChanged, ""),
            _ => (Codes.ManifestUnreadable, " Fix the path or its permissions; nothing was uploaded."),
        };
        // The reader's messages describe the content and need the file named; the file's own messages already name it.
        var message = exception.Problem is DbtManifestProblem.Changed or DbtManifestProblem.Unreadable
            ? exception.Message + advice
            : $"{manifestPath}: {exception.Message}{advice}";
        return new UploadFailure(code, message, isServiceFailure: false, manifestPath, exception.Line ?? 0, exception.Column ?? 0);
    }
}
