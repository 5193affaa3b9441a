using System.Globalization;
using Qarion.Client;
using Qarion.Dbt.Manifests;

namespace Qarion.Workflow;

/// <summary>The lines the task and the command line both write about a call on its way: a wait for the rate limit, a retry; and how a size is shown.</summary>
internal static class CallLines
{
    public static string Pacing(QarionPacing pacing) => FormattableString.Invariant(
        $"Qarion: {pacing.Method} {pacing.Path} waits {pacing.Delay.TotalSeconds:0.#} s for its turn: the API key's rate limit is spent for now (X-RateLimit-Remaining: 0), shared with the builds that use the same key.");

    public static string Retrying(QarionRetry retry) => FormattableString.Invariant(
        $"Qarion: {retry.Method} {retry.Path} attempt {retry.Attempt} failed ({retry.Reason}); trying again in {retry.Delay.TotalSeconds:0.#} s{(retry.FromRetryAfter ? ", as the server's Retry-After asks" : "")}.");

    public static string WaitingForSync(string jobId, TimeSpan timeout, SettingNames names) =>
        $"Qarion: waiting up to {timeout.TotalSeconds:0} s for sync job {jobId} ({names.SyncTimeout}).";

    public static string StillWaiting(string jobId, SyncWaitProgress p) => FormattableString.Invariant(
        $"Qarion: still waiting for sync job {jobId} after {p.Elapsed.TotalSeconds:0} s; its last status is '{p.LastSeen?.Status ?? "(not seen yet)"}'{(p.LastError is null ? "" : "; the last look at the sync history failed and is tried again: " + p.LastError.Message)}.");

    public static string NewerSchema(string path, DbtManifestInfo manifest, SettingNames names) =>
        $"{path} uses manifest schema v{manifest.SchemaVersion}, newer than v{DbtManifestInfo.NewestKnownSchemaVersion}, the newest this {names.Product} knows. It is uploaded anyway; update {names.Product} if Qarion reports problems.";

    /// <summary>A connector as a line names it: its id, with its name first when it was given by name.</summary>
    public static string Connector(string id, string name) => name == id ? id : $"'{name}' ({id})";

    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KB"),
        _ => $"{bytes} bytes",
    };
}
