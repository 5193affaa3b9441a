using Qarion.Client.Manifests;

namespace Qarion.Client;

/// <summary>How <see cref="ConnectorsClient.UploadDbtManifestAsync(string, string, string, DbtManifestUploadOptions, CancellationToken)"/> treats the file.</summary>
public sealed class DbtManifestUploadOptions
{
    /// <summary>
    /// Check that the file is a well-formed dbt manifest while sending it. A bad file aborts the
    /// request before its end, so the server never receives it whole, and
    /// <see cref="DbtManifestException"/> says what is wrong. Off by default, like the Python SDK's
    /// upload; Qarion.Build turns it on. It costs CPU on a second thread (about 1 GB/s per core).
    /// </summary>
    public bool CheckManifest { get; set; }

    /// <summary>Also compute the file's SHA-256 while it is sent (needs <see cref="CheckManifest"/>); see <see cref="DbtManifestInfo.Sha256"/>.</summary>
    public bool ComputeSha256 { get; set; }

    /// <summary>
    /// The SHA-256 (hex) of the bytes you checked before calling: the upload hashes what it sends and
    /// stops before the last byte when it differs (<see cref="DbtManifestException"/> with
    /// <see cref="DbtManifestProblem.Changed"/>), so what the server receives is exactly what was checked.
    /// </summary>
    public string? ExpectedSha256 { get; set; }

    /// <summary>
    /// Makes the <see cref="IUploadInspector"/> that sees the file's chunks before they are sent; called
    /// once per attempt, so a retried upload is inspected again from its first byte. Null: none.
    /// </summary>
    public Func<IUploadInspector>? CreateInspector { get; set; }

    /// <summary>Hash the bytes sent with XXH64 (Qarion.Build's stamp) instead of SHA-256.</summary>
    internal bool ComputeFingerprint { get; set; }

    /// <summary>The XXH64 of the bytes checked before: as <see cref="ExpectedSha256"/>, for a fraction of the CPU.</summary>
    internal string? ExpectedFingerprint { get; set; }

    /// <summary>The hash taken of the bytes sent, if any.</summary>
    internal ManifestHashKind SentHash =>
        ComputeFingerprint || ExpectedFingerprint is not null ? ManifestHashKind.Xxh64
        : ComputeSha256 || ExpectedSha256 is not null ? ManifestHashKind.Sha256
        : ManifestHashKind.None;

    /// <summary>What the hash of the bytes sent must be, if anything.</summary>
    internal string? ExpectedHash => SentHash == ManifestHashKind.Xxh64 ? ExpectedFingerprint : ExpectedSha256?.ToLowerInvariant();
}

/// <summary>The job the upload started, and what the check found in the file (null when it was off).</summary>
/// <param name="Job">The sync job the upload started (possibly only an id, or nothing).</param>
/// <param name="Manifest">What the check found, when it ran while sending.</param>
/// <param name="Bytes">The file's size.</param>
/// <param name="TransferTime">How long sending the file took in the attempt that succeeded, without retries and waits.</param>
public sealed record DbtManifestUploadResult(SyncJob Job, DbtManifestInfo? Manifest, long Bytes, TimeSpan TransferTime = default);

/// <summary>How <see cref="ConnectorsClient.WaitForSyncAsync"/> polls.</summary>
public sealed class SyncWaitOptions
{
    /// <summary>Give up after this long. Default 10 minutes.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Time between two looks at the sync history. Default 2 seconds.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many pages of history (100 jobs each) to search for the job per poll. Default 5.</summary>
    public int MaxPages { get; set; } = 5;

    /// <summary>Called about every <see cref="ProgressInterval"/> while the job is unfinished, to say how long the wait has taken.</summary>
    public Action<SyncWaitProgress>? Progress { get; set; }

    /// <summary>How often <see cref="Progress"/> is called. Default 30 seconds.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>How a wait for a sync job stands: time waited, the job as last seen, and the last poll's failure, if it failed.</summary>
public sealed record SyncWaitProgress(TimeSpan Elapsed, SyncJob? LastSeen, QarionException? LastError);
