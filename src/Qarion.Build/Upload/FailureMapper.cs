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
        FileNotFoundException => Missing(manifestPath),
        IOException or UnauthorizedAccessException => new UploadFailure(Codes.ManifestUnreadable,
            $"The dbt manifest {manifestPath} could not be read: {exception.Message}", isServiceFailure: false, manifestPath),
        _ => throw exception,
    };

    public static UploadFailure Missing(string manifestPath) => new(
        Codes.ManifestMissing,
        $"The dbt manifest {manifestPath} does not exist. Run `dbt build` or `dbt parse` in the dbt project first " +
        "(hook this upload after that step with QarionUploadAfterTargets), or point QarionManifestPath at the file.",
        isServiceFailure: false);

    private static UploadFailure Manifest(DbtManifestException exception, string manifestPath)
    {
        var code = exception.Problem switch
        {
            DbtManifestProblem.Empty => Codes.ManifestEmpty,
            DbtManifestProblem.InvalidJson => Codes.ManifestInvalidJson,
            _ => Codes.NotAManifest,
        };
        var advice = exception.Problem == DbtManifestProblem.NotAManifest
            ? " QarionManifestPath must name dbt's target/manifest.json, not run_results.json or catalog.json."
            : " Run `dbt parse` again to regenerate it (and resolve any merge conflict in it); it was not uploaded.";
        return new UploadFailure(code, $"{manifestPath}: {exception.Message}{advice}", isServiceFailure: false, manifestPath, exception.Line ?? 0, exception.Column ?? 0);
    }
}
