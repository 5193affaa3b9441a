namespace Qarion.Client;

/// <summary>How <see cref="ConnectorsClient.UploadDbtManifestAsync(string, string, string, DbtManifestUploadOptions, CancellationToken)"/> treats the file.</summary>
public sealed class DbtManifestUploadOptions
{
    /// <summary>
    /// Makes the <see cref="IUploadInspector"/> that sees the file's chunks before they are sent; called
    /// once per attempt, so a retried upload is inspected again from its first byte. Null: none, and the
    /// file is sent as it is, like the Python SDK's upload. Qarion.Build checks the manifest here, with
    /// the Qarion.Dbt.Manifests package, so what it checked is exactly what the server receives.
    /// </summary>
    public Func<IUploadInspector>? CreateInspector { get; set; }
}

/// <summary>The job the upload started, and what was sent.</summary>
/// <param name="Job">The sync job the upload started (possibly only an id, or nothing).</param>
/// <param name="Bytes">The file's size: what the server received.</param>
/// <param name="TransferTime">How long sending the file took in the attempt that succeeded, without retries and waits.</param>
public sealed record DbtManifestUploadResult(SyncJob Job, long Bytes, TimeSpan TransferTime = default);

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
