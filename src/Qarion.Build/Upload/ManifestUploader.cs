using System.Diagnostics;
using System.Globalization;
using Qarion.Build.Diagnostics;
using Qarion.Client;
using Qarion.Client.Http;
using Qarion.Client.Manifests;

namespace Qarion.Build.Upload;

/// <summary>The outcome handed back to MSBuild as the task's outputs, and what the run summary says of it.</summary>
internal sealed record UploadOutcome(string? SyncJobId, string? SyncJobStatus, bool Skipped)
{
    /// <summary>The manifest as the summary describes it.</summary>
    public string Manifest { get; init; } = "";

    /// <summary>The space and connector, as the summary names them.</summary>
    public string Target { get; init; } = "";

    /// <summary>What happened, in a few words.</summary>
    public string Result { get; init; } = "";
}

/// <summary>
/// Checks the manifest, resolves the connector, uploads, optionally waits for the sync, and keeps the
/// stamp. Every failure leaves as an <see cref="UploadFailure"/> with its code.
/// </summary>
internal sealed class ManifestUploader(UploadSettings settings, IUploadLog log, Func<string, string?> environment)
{
    /// <summary>
    /// Files up to this size are checked whole before any request, so a bad one costs no request at
    /// all. Larger ones are checked while they are sent (one pass), and a bad one aborts the request.
    /// </summary>
    internal const long CheckFirstLimit = 64L * 1024 * 1024;

    /// <summary>A seam for tests: waits between retries and polls.</summary>
    internal Action<QarionClientOptions>? ConfigureClient { get; init; }

    /// <summary>How often a long sync wait says how it stands. A seam for tests.</summary>
    internal TimeSpan SyncProgressInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The sync job of a manifest the server has received, once it has: a cancellation after that must not say "not uploaded".</summary>
    public string? UploadedJob { get; private set; }

    public bool Uploaded { get; private set; }

    /// <summary>The upload request has begun: a cancellation from here on cannot say whether the server got the file.</summary>
    public bool Sending { get; private set; }

    public async Task<UploadOutcome> RunAsync(CancellationToken cancellationToken)
    {
        log.Debug($"Qarion: inputs: manifest {settings.ManifestPath}, space '{settings.Space}', connector {(settings.ConnectorId is { } id ? "id " + id : $"name '{settings.ConnectorName}'")}, " +
                  $"API {settings.ApiUrl.GetLeftPart(UriPartial.Path)}, key from the environment variable {settings.ApiKeyEnvironmentVariable}, " +
                  $"timeout {settings.RequestTimeout.TotalSeconds:0.#} s, {settings.MaxRetries} retries, wait for sync {settings.WaitForSync}, stamp {settings.StampFile ?? "(none)"}.");
        return await WithManifestAsync(file => UploadAsync(file, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Finds the manifest and runs <paramref name="work"/> on it; every known failure leaves with its code.</summary>
    private async Task<T> WithManifestAsync<T>(Func<ManifestFile, Task<T>> work)
    {
        try
        {
            return await work(ManifestFile.Find(settings.ManifestPath)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not UploadFailure and not OperationCanceledException && FailureMapper.From(ex, settings) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>The stamp that may make the upload unnecessary (same size and target), or null with why not.</summary>
    private (UploadStamp? Stamp, string? WhyNot) Candidate(ManifestFile file)
    {
        if (settings.ForceUpload)
        {
            return (null, "QarionForceUpload is true");
        }

        var stamp = UploadStamp.Read(settings.StampFile);
        if (stamp is null)
        {
            return (null, $"there is no record of an earlier upload ({settings.StampFile ?? "no stamp file"})");
        }

        return stamp.Bytes != file.Length || !stamp.SameTarget(settings)
            ? (null, "the manifest's size, or the URL, space or connector, changed since the last upload")
            : (stamp, null);
    }

    private async Task<UploadOutcome> UploadAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        var (stamp, _) = Candidate(file);

        // A file up to the limit is read once here: checked and hashed. What is sent is verified against that hash.
        DbtManifestInfo? checkedFirst = null;
        if (file.Length <= CheckFirstLimit && (stamp is null || !stamp.SameFileTime(file.LastWriteUtc)))
        {
            var checking = Stopwatch.StartNew();
            checkedFirst = await DbtManifestReader.ReadFileHashedAsync(file.Path, ManifestHashKind.Xxh64, cancellationToken).ConfigureAwait(false);
            log.Debug(string.Create(CultureInfo.InvariantCulture, $"Qarion: checked and hashed {Display(file.Path)} ({Size(file.Length)}) in {checking.Elapsed.TotalMilliseconds:0} ms."));
            WarnIfNewer(checkedFirst);
        }

        var rewritten = stamp is not null && !stamp.SameFileTime(file.LastWriteUtc);
        if (rewritten)
        {
            // Rewritten since (dbt rewrites it on every run): unchanged if the content is.
            var fingerprint = checkedFirst?.Fingerprint ?? await FingerprintAsync(file.Path, cancellationToken).ConfigureAwait(false);
            stamp = fingerprint == stamp!.Fingerprint ? stamp with { LastWriteUtc = file.LastWriteUtc } : null;
        }

        if (stamp is not null && settings.ConnectorId is not null)
        {
            return Skip(file, stamp, rewritten);
        }

        using var client = CreateClient();
        var (connectorId, connectorName) = await ConnectorResolver.ResolveAsync(client, settings, cancellationToken).ConfigureAwait(false);
        log.Debug($"Qarion: connector {(connectorName == connectorId ? connectorId : $"'{connectorName}'")} is {connectorId} in space '{settings.Space}'.");
        if (stamp is not null)
        {
            // By name: the same name may now be another connector (deleted and created again), which has not got the manifest.
            if (stamp.ConnectorId == connectorId)
            {
                return Skip(file, stamp, rewritten);
            }

            log.Detail($"Qarion: the last upload went to connector id {stamp.ConnectorId ?? "(not recorded)"}; '{connectorName}' is {connectorId} now, so the manifest is sent again.");
        }

        var clock = Stopwatch.StartNew();
        Sending = true;
        // A small file was checked above and is sent only if its bytes still hash the same; a larger one
        // is checked while it is read for sending, ahead of the network, and hashed in the same pass.
        var sendChecked = checkedFirst is null;
        var result = await client.Connectors.UploadDbtManifestAsync(
            settings.Space, connectorId, file.Path,
            new DbtManifestUploadOptions { CheckManifest = sendChecked, ComputeFingerprint = sendChecked, ExpectedFingerprint = checkedFirst?.Fingerprint },
            cancellationToken).ConfigureAwait(false);
        clock.Stop();
        Uploaded = true;
        UploadedJob = result.Job.Id;
        var manifest = checkedFirst ?? result.Manifest!;
        if (sendChecked)
        {
            WarnIfNewer(manifest);
        }

        var connector = connectorName == connectorId ? connectorId : $"'{connectorName}' ({connectorId})";
        log.Summary(string.Create(CultureInfo.InvariantCulture,
            $"Qarion: uploaded {Display(file.Path)} ({Facts(manifest)}) " +
            $"to space '{settings.Space}', connector {connector}: sync job {result.Job.Id ?? "(no id returned)"} " +
            $"in {clock.Elapsed.TotalSeconds:0.00} s ({Size((long)(manifest.Bytes / Math.Max(result.TransferTime.TotalSeconds, 0.001)))}/s)."));

        string? status = null;
        if (settings.WaitForSync)
        {
            status = await WaitAsync(client, result.Job, cancellationToken).ConfigureAwait(false);
        }

        // Exactly what the server received: the hash of the sent bytes, and the time the file had before it was read.
        WriteStamp(new UploadStamp(manifest.Fingerprint!, manifest.Bytes, file.LastWriteUtc, settings.ApiUrl.AbsoluteUri, settings.Space,
            settings.ConnectorKey, connectorId, result.Job.Id, DateTimeOffset.UtcNow));
        return new UploadOutcome(result.Job.Id, status, Skipped: false)
        {
            Manifest = Describe(file.Path, manifest),
            Target = $"space '{settings.Space}', connector {connector}",
            Result = $"uploaded: sync job {result.Job.Id ?? "(no id returned)"}" + (status is null ? "" : $", {status}"),
        };
    }

    /// <summary>
    /// Check only (a pull-request build, or QarionCheckOnly): the whole check of the manifest, and, where
    /// a key is at hand, the connector looked up with read-only requests. Nothing is sent.
    /// </summary>
    public Task<UploadOutcome> CheckOnlyAsync(string reason, CancellationToken cancellationToken) => WithManifestAsync(async file =>
    {
        var manifest = await DbtManifestReader.ReadFileAsync(file.Path, computeSha256: false, cancellationToken).ConfigureAwait(false);
        WarnIfNewer(manifest);
        string connector;
        if (string.IsNullOrWhiteSpace(environment(settings.ApiKeyEnvironmentVariable)))
        {
            connector = $"connector {(settings.ConnectorId ?? $"'{settings.ConnectorName}'")} not looked up (no API key here, which is fine for a check)";
        }
        else
        {
            using var client = CreateClient();
            var (id, name) = await ConnectorResolver.ResolveAsync(client, settings, cancellationToken).ConfigureAwait(false);
            connector = name == id ? $"connector {id} checked" : $"connector '{name}' ({id}) found";
        }

        log.Summary($"Qarion: checked {Display(file.Path)} ({Facts(manifest)}) " +
                    $"for space '{settings.Space}', {connector}; not uploaded: {reason}. Set QarionUploadOnPullRequest=true to upload from pull requests.");
        return new UploadOutcome(null, null, Skipped: true)
        {
            Manifest = Describe(file.Path, manifest),
            Target = $"space '{settings.Space}', {connector}",
            Result = $"checked only: {reason}",
        };
    });

    /// <summary>The manifest as the one-line summaries describe it.</summary>
    private static string Facts(DbtManifestInfo manifest) =>
        string.Create(CultureInfo.InvariantCulture, $"{Size(manifest.Bytes)}, manifest schema v{manifest.SchemaVersion}, dbt {manifest.DbtVersion ?? "?"}, {manifest.Nodes} nodes");

    private static string Describe(string path, DbtManifestInfo manifest) =>
        $"{Display(path)}, {Size(manifest.Bytes)}, schema v{manifest.SchemaVersion}, dbt {manifest.DbtVersion ?? "?"}, {manifest.Nodes} nodes";

    /// <summary>
    /// For <c>dotnet build -question</c>: why the next build would upload, or null when it would skip.
    /// Reads the file and the stamp only; sends nothing. A connector given by name is taken to be the
    /// one recorded (checking it would take a request).
    /// </summary>
    public Task<string?> WhyUploadAsync(CancellationToken cancellationToken) => WithManifestAsync(async file =>
    {
        var (stamp, whyNot) = Candidate(file);
        if (stamp is null)
        {
            return whyNot;
        }

        return !stamp.SameFileTime(file.LastWriteUtc) && await FingerprintAsync(file.Path, cancellationToken).ConfigureAwait(false) != stamp.Fingerprint
            ? "the manifest's content changed since the last upload"
            : null;
    });

    private QarionClient CreateClient()
    {
        var variable = settings.ApiKeyEnvironmentVariable;
        var key = environment(variable)?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            throw UploadFailure.Config(Codes.ApiKeyMissing,
                $"The environment variable {variable} (QarionApiKeyEnvironmentVariable) is not set or empty, so there is no Qarion API key. " +
                "In CI, map a secret into it; locally, export it in your shell. The key is never read from an MSBuild property.");
        }

        if (ApiKeyFormat.Problem(key) is { } problem)
        {
            throw UploadFailure.Config(Codes.ApiKeyMalformed,
                $"The API key in the environment variable {variable} (QarionApiKeyEnvironmentVariable) {problem}. Store the key again as the secret behind {variable}; nothing was sent.");
        }

        var options = new QarionClientOptions
        {
            ApiKey = key,
            BaseUrl = settings.ApiUrl,
            RequestTimeout = settings.RequestTimeout,
            MaxRetries = settings.MaxRetries,
            TotalTimeout = settings.CallDeadline,
            // The projects of one build (and of other builds on this machine) share the key's budget.
            SharedRateLimitDirectory = Path.Combine(Path.GetTempPath(), "qarion-build"),
            UserAgent = "Qarion.Build/" + typeof(ManifestUploader).Assembly.GetName().Version?.ToString(3),
            OnPacing = pacing => log.Detail(FormattableString.Invariant(
                $"Qarion: {pacing.Method} {pacing.Path} waits {pacing.Delay.TotalSeconds:0.#} s for its turn: the API key's rate limit is spent for now (X-RateLimit-Remaining: 0), shared with the builds that use the same key.")),
            OnRetry = retry => log.Detail(FormattableString.Invariant(
                $"Qarion: {retry.Method} {retry.Path} attempt {retry.Attempt} failed ({retry.Reason}); trying again in {retry.Delay.TotalSeconds:0.#} s{(retry.FromRetryAfter ? ", as the server's Retry-After asks" : "")}.")),
        };
        ConfigureClient?.Invoke(options);
        return new QarionClient(options);
    }

    /// <summary>A stamp that cannot be written costs the next build an upload; it never undoes this one.</summary>
    private void WriteStamp(UploadStamp stamp)
    {
        if (settings.StampFile is not { } path)
        {
            return;
        }

        try
        {
            stamp.Write(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.Warning(Codes.StampNotWritten,
                $"Qarion: the upload stamp {path} could not be written ({ex.Message}). The upload itself stands; the next build cannot tell that this manifest was sent and will upload it again. " +
                "Make the project's obj/ folder writable (and remove anything else named upload.stamp there).",
                path);
        }
    }

    private async Task<string> WaitAsync(QarionClient client, SyncJob job, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(job.Id))
        {
            throw UploadFailure.Service(Codes.AnswerLacksField, "The upload was accepted, but its answer carried no sync job id (no \"id\" field), so there is no job to wait for. The manifest was uploaded; set QarionWaitForSync=false, or check that QarionApiUrl points at Qarion's API.");
        }

        log.Detail($"Qarion: waiting up to {settings.SyncTimeout.TotalSeconds:0} s for sync job {job.Id} (QarionSyncTimeoutSeconds).");
        var wait = new SyncWaitOptions
        {
            Timeout = settings.SyncTimeout,
            PollInterval = settings.SyncPollInterval,
            ProgressInterval = SyncProgressInterval,
            Progress = p => log.Detail(FormattableString.Invariant(
                $"Qarion: still waiting for sync job {job.Id} after {p.Elapsed.TotalSeconds:0} s; its last status is '{p.LastSeen?.Status ?? "(not seen yet)"}'{(p.LastError is null ? "" : "; the last look at the sync history failed and is tried again: " + p.LastError.Message)}.")),
        };
        var done = await client.Connectors.WaitForSyncAsync(settings.Space, job.Id, wait, cancellationToken).ConfigureAwait(false);
        if (done.State == SyncJobState.Failed)
        {
            var reason = done.ErrorMessage
                ?? (done.ExtensionData?.TryGetValue("error_message", out var raw) == true ? raw.GetRawText() : "(no error message)");
            throw UploadFailure.Service(Codes.SyncFailed,
                $"Qarion's sync job {done.Id} for space '{settings.Space}' failed: {reason.TrimEnd('.')}. The manifest was uploaded; fix what the message says and build again.");
        }

        log.Summary($"Qarion: sync job {done.Id} {done.Status}: {done.TablesAdded ?? 0} tables added, {done.TablesUpdated ?? 0} updated, {done.TablesDeleted ?? 0} deleted.");
        return done.Status ?? "";
    }

    private void WarnIfNewer(DbtManifestInfo manifest)
    {
        if (manifest.IsNewerThanKnown)
        {
            log.Warning(Codes.NewerSchema,
                $"{settings.ManifestPath} uses manifest schema v{manifest.SchemaVersion}, newer than v{DbtManifestInfo.NewestKnownSchemaVersion}, the newest this Qarion.Build knows. It is uploaded anyway; update Qarion.Build if Qarion reports problems.",
                settings.ManifestPath);
        }
    }

    private UploadOutcome Skip(ManifestFile file, UploadStamp stamp, bool rewritten)
    {
        if (rewritten)
        {
            WriteStamp(stamp);
        }

        log.Summary($"Qarion: {Display(file.Path)} is unchanged since its upload ({stamp.UploadedAt:u}, sync job {stamp.SyncJobId}); skipped. Set QarionForceUpload=true to send it again.");
        return new UploadOutcome(stamp.SyncJobId, null, Skipped: true)
        {
            Manifest = $"{Display(file.Path)}, {Size(file.Length)}",
            Target = $"space '{settings.Space}', connector {(settings.ConnectorId ?? $"'{settings.ConnectorName}'")}",
            Result = $"unchanged since its upload (sync job {stamp.SyncJobId}); skipped",
        };
    }

    private static Task<string> FingerprintAsync(string path, CancellationToken cancellationToken) =>
        ManifestHash.OfFileAsync(path, ManifestHashKind.Xxh64, cancellationToken);

    private static string Display(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    internal static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KB"),
        _ => $"{bytes} bytes",
    };
}
