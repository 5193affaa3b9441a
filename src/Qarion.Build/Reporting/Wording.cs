using System.Globalization;
using Qarion.Build.Upload;
using Qarion.Workflow;
using Qarion.Client;
using Qarion.Dbt.Manifests;

namespace Qarion.Build.Reporting;

/// <summary>
/// Every line the task writes to the build log, and every run-summary row, worded here once. The lines
/// start "Qarion: "; the task's logger puts the project's name after it. Coded errors are worded where
/// their code is chosen (UploadSettings for properties, ConnectorResolver for the lookup, FailureMapper
/// for the client's failures), each once.
/// </summary>
internal static class Wording
{
    // ---- The one result line a build shows (high importance) ----

    public static string Uploaded(string path, DbtManifestInfo manifest, string space, string connector, string? jobId, TimeSpan took, TimeSpan transfer) =>
        string.Create(CultureInfo.InvariantCulture,
            $"Qarion: uploaded {Display(path)} ({Facts(manifest)}) to space '{space}', connector {connector}: sync job {jobId ?? "(no id returned)"} " +
            $"in {took.TotalSeconds:0.00} s ({Size((long)(manifest.Bytes / Math.Max(transfer.TotalSeconds, 0.001)))}/s).");

    public static string Skipped(string path, UploadStamp stamp) =>
        $"Qarion: {Display(path)} is unchanged since its upload ({stamp.UploadedAt:u}, sync job {stamp.SyncJobId}); skipped. Set QarionForceUpload=true to send it again.";

    public static string CheckedOnly(string path, DbtManifestInfo manifest, string space, string connector, UploadSettings settings) =>
        $"Qarion: checked {Display(path)} ({Facts(manifest)}) for space '{space}', {connector}; not uploaded: {CheckOnlyReason(settings)}.{CheckOnlyHint(settings.CheckOnlyCause)}";

    /// <summary>Why nothing is sent, in the words every line and row uses.</summary>
    public static string CheckOnlyReason(UploadSettings settings) => settings.CheckOnlyCause switch
    {
        CheckOnlyCause.PullRequest => $"a pull-request build ({settings.PullRequest ?? "a pull request"})",
        CheckOnlyCause.NotCI => "not a CI build",
        _ => "QarionCheckOnly is true (a dry run)",
    };

    public static string UnchangedSinceChecked(string path, CheckStamp stamp, UploadSettings settings) =>
        string.Create(CultureInfo.InvariantCulture,
            $"Qarion: {Display(path)} is unchanged since it was checked ({Size(stamp.Bytes)}, manifest schema v{stamp.SchemaVersion}, dbt {stamp.DbtVersion ?? "?"}, {stamp.Nodes} nodes); not uploaded: {CheckOnlyReason(settings)}.{CheckOnlyHint(settings.CheckOnlyCause)}");

    /// <summary>What to do to upload instead, when that is what the reason calls for: a dry run asked for needs none.</summary>
    private static string CheckOnlyHint(CheckOnlyCause cause) => cause switch
    {
        CheckOnlyCause.PullRequest => " Set QarionUploadOnPullRequest=true to upload from pull requests.",
        CheckOnlyCause.NotCI => " Set QarionUploadEnabled=true to upload from here.",
        _ => "",
    };

    public static string SyncDone(SyncJob done) =>
        $"Qarion: sync job {done.Id} {done.Status}: {done.TablesAdded ?? 0} tables added, {done.TablesUpdated ?? 0} updated, {done.TablesDeleted ?? 0} deleted.";

    public static string Cancelled(UploadProgress progress) => progress.Stage switch
    {
        UploadStage.Uploaded => $"Qarion: the manifest was uploaded (sync job {progress.JobId ?? "(no id)"}), but waiting for the sync was cancelled. The upload is not recorded, so the next build sends it again.",
        UploadStage.Sending => "Qarion: upload cancelled while the manifest was being sent or answered: the server may or may not have it. Nothing was recorded as uploaded, so the next build sends it again.",
        _ => "Qarion: upload cancelled before anything was sent; nothing was recorded as uploaded.",
    };

    // ---- -question ----

    public static string QuestionUpToDate(UploadDecision decision, UploadSettings settings) => decision.ConnectorUnconfirmed
        ? $"Qarion: the manifest is up to date: no upload would happen (the connector named '{settings.ConnectorName}' is taken to be {decision.Stamp?.ConnectorId}, as recorded: -question sends no request to look it up)."
        : "Qarion: the manifest is up to date: no upload would happen.";

    public static string QuestionChecksOnly(string reason) =>
        $"Qarion: no upload would happen: {reason}; the manifest would be checked, and nothing sent.";

    public static string QuestionWouldUpload(string path, string reason) =>
        $"Qarion: the build would upload {path}: {reason}. Nothing was sent (-question).";

    // ---- Along the way (normal importance) ----

    public static string Sending(string path, string reason) => $"Qarion: sending {Display(path)}: {reason}.";

    public static string NameMovedOn(UploadDecision decision) => $"Qarion: {decision.Reason}, so the manifest is sent again.";

    public static string Pacing(QarionPacing pacing) => CallLines.Pacing(pacing);

    public static string Retrying(QarionRetry retry) => CallLines.Retrying(retry);

    public static string WaitingForSync(string jobId, TimeSpan timeout) => CallLines.WaitingForSync(jobId, timeout, SettingNames.MSBuild);

    public static string StillWaiting(string jobId, SyncWaitProgress p) => CallLines.StillWaiting(jobId, p);

    // ---- For a detailed log or a binlog (low importance) ----

    public static string Inputs(UploadSettings settings) =>
        $"Qarion: inputs: manifest {settings.ManifestPath}, space '{settings.Space}', connector {(settings.ConnectorId is { } id ? "id " + id : $"name '{settings.ConnectorName}'")}, " +
        $"API {settings.ApiUrl.GetLeftPart(UriPartial.Path)}, key from the environment variable {settings.ApiKeyEnvironmentVariable}, " +
        $"timeout {settings.RequestTimeout.TotalSeconds:0.#} s, {settings.MaxRetries} retries, wait for sync {settings.WaitForSync}, stamp {settings.StampFile ?? "(none)"}.";

    public static string CheckedFirst(string path, long bytes, TimeSpan took) =>
        string.Create(CultureInfo.InvariantCulture, $"Qarion: checked and hashed {Display(path)} ({Size(bytes)}) in {took.TotalMilliseconds:0} ms.");

    public static string ConnectorIs(string id, string name, string space) =>
        $"Qarion: connector {(name == id ? id : $"'{name}'")} is {id} in space '{space}'.";

    public static string FullFailure(string text) => "Qarion: the failure in full: " + text;

    // ---- Warnings the upload raises (their codes are the callers') ----

    public static string StampNotWritten(string path, string why) =>
        $"Qarion: the upload stamp {path} could not be written ({why}). The upload itself stands; the next build cannot tell that this manifest was sent and will upload it again. " +
        "Make the project's obj/ folder writable (and remove anything else named upload.stamp there).";

    public static string NewerSchema(string path, DbtManifestInfo manifest) => CallLines.NewerSchema(path, manifest, SettingNames.MSBuild);

    public static string SummaryNotWritten(string why) =>
        $"Qarion: {why}. The build's result stands; point GITHUB_STEP_SUMMARY at a writable regular file to get the row.";

    public static string AllowedFailure(string message) => message + " (QarionAllowFailure=true: the build goes on.)";

    // ---- The connector as the check-only line names it ----

    public static string ConnectorNotLookedUp(UploadSettings settings) =>
        $"connector {settings.ConnectorId ?? $"'{settings.ConnectorName}'"} not looked up ({(settings.CheckOnlyCause == CheckOnlyCause.NotCI ? "a developer build makes no request" : "no API key here, which is fine for a check")})";

    public static string ConnectorLookedUp(string id, string name) =>
        name == id ? $"connector {id} checked" : $"connector '{name}' ({id}) found";

    public static string Connector(string id, string name) => CallLines.Connector(id, name);

    // ---- Run-summary rows ----

    public static SummaryRow UploadedRow(string project, string path, DbtManifestInfo manifest, string space, string connector, string? jobId, string? status) =>
        new(project, Describe(path, manifest), $"space '{space}', connector {connector}",
            $"uploaded: sync job {jobId ?? "(no id returned)"}" + (status is null ? "" : $", {status}"));

    public static SummaryRow SkippedRow(string project, string path, long bytes, UploadSettings settings, UploadStamp stamp) =>
        new(project,
            stamp.Facts is { } facts ? Describe(path, bytes, facts.SchemaVersion, facts.DbtVersion, facts.Nodes) : $"{Display(path)}, {Size(bytes)}",
            $"space '{settings.Space}', connector {(settings.ConnectorId is not null || stamp.ConnectorId is null ? Named(settings) : Connector(stamp.ConnectorId, settings.ConnectorName!))}",
            $"unchanged since its upload (sync job {stamp.SyncJobId}); skipped");

    public static SummaryRow UnchangedCheckRow(string project, string path, CheckStamp stamp, UploadSettings settings) =>
        new(project, Describe(path, stamp.Bytes, stamp.SchemaVersion, stamp.DbtVersion, stamp.Nodes), $"space '{settings.Space}', connector {Named(settings)}",
            $"unchanged since it was checked; not uploaded: {CheckOnlyReason(settings)}");

    public static SummaryRow CheckedRow(string project, string path, DbtManifestInfo manifest, string space, string connector, string reason) =>
        new(project, Describe(path, manifest), $"space '{space}', {connector}", $"checked only: {reason}");

    /// <summary>A failure's row: the manifest and the target as the task's parameters give them (the settings may be what failed).</summary>
    public static SummaryRow FailedRow(string project, string manifestPath, string? space, string? connectorId, string? connectorName, string code, string message, bool asWarning) =>
        new(project, SafeDisplay(manifestPath),
            string.Join(", ", new[] { space is null ? null : $"space '{space}'", connectorId is not null ? $"connector {connectorId}" : connectorName is not null ? $"connector '{connectorName}'" : null }.OfType<string>()),
            $"{(asWarning ? "warning" : "failed")} {code}: {message}");

    private static string Named(UploadSettings settings) => settings.ConnectorId ?? $"'{settings.ConnectorName}'";

    // ---- The dbt step (QarionRunDbt) ----

    public static string DbtStarting(string command, string directory) => $"Qarion: dbt {command} in {directory}";

    public static string DbtSkipped(string command, string manifest) =>
        $"Qarion: dbt {command} skipped: nothing it reads changed since it last ran, so {manifest} stands.";

    public static string DbtCancelled(string command) => $"Qarion: dbt {command} was cancelled; dbt and its child processes were stopped.";

    public static string DbtNoResults(string path) => $"Qarion: dbt wrote no run_results.json in this run ({path}); there are no results to report.";

    public static string DbtResultsUnread(string why) => $"Qarion: dbt's results could not be read, so its findings are not shown as errors and warnings: {why}";

    public static string DbtWouldRun(string command, string directory) => $"the build would run dbt {command} in {directory}. dbt was not run (-question).";

    public static string DbtNotFound(string executable, string why) =>
        $"dbt could not be started as '{executable}' ({why}). Install dbt (pip install dbt-core and your adapter, e.g. dbt-postgres) so that it is on PATH, or set QarionDbtExecutable to its path.";

    public static string DbtTimedOut(string command, TimeSpan timeout) => FormattableString.Invariant(
        $"dbt {command} did not finish within {timeout.TotalSeconds:0} s (QarionDbtTimeoutSeconds), so it was stopped with its child processes. Raise QarionDbtTimeoutSeconds if the run needs longer, or look at what dbt was waiting for in the lines above.");

    public static string DbtFailedWithoutResults(string command, int? exitCode, string? namedFile) =>
        $"dbt {command} failed with exit code {exitCode} ({ExitMeaning(exitCode)}){(namedFile is null ? "" : $" in {namedFile}")}; its own lines above say what is wrong. Nothing was uploaded.";

    /// <summary>dbt's exit codes, as its documentation gives them.</summary>
    private static string ExitMeaning(int? code) => code switch
    {
        1 => "a node or test failed, or dbt ended with an error it handled",
        2 => "dbt could not run: a compilation or parse error, or an unhandled one",
        _ => "not an exit code dbt documents",
    };

    // ---- The pieces ----

    /// <summary>The manifest as the one-line summaries describe it.</summary>
    private static string Facts(DbtManifestInfo manifest) =>
        string.Create(CultureInfo.InvariantCulture, $"{Size(manifest.Bytes)}, manifest schema v{manifest.SchemaVersion}, dbt {manifest.DbtVersion ?? "?"}, {manifest.Nodes} nodes");

    private static string Describe(string path, DbtManifestInfo manifest) => Describe(path, manifest.Bytes, manifest.SchemaVersion, manifest.DbtVersion, manifest.Nodes);

    private static string Describe(string path, long bytes, int schemaVersion, string? dbtVersion, long nodes) =>
        $"{Display(path)}, {Size(bytes)}, schema v{schemaVersion}, dbt {dbtVersion ?? "?"}, {nodes} nodes";

    /// <summary>A path from a property, which may not be a usable path at all (a NUL): shown as given then.</summary>
    private static string SafeDisplay(string path)
    {
        try
        {
            return Display(Path.GetFullPath(path));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return path.Replace("\0", "\\0", StringComparison.Ordinal);
        }
    }

    /// <summary>A path as a build log shows it: relative to the current folder when below it.</summary>
    public static string Display(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    public static string Size(long bytes) => CallLines.Size(bytes);
}
