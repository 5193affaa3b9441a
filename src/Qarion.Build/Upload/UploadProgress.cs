namespace Qarion.Build.Upload;

/// <summary>How far an upload got.</summary>
internal enum UploadStage
{
    NothingSent,

    /// <summary>The upload request has begun: from here a cancellation cannot say whether the server got the file.</summary>
    Sending,

    /// <summary>The server has the manifest (the sync may still be running).</summary>
    Uploaded,
}

/// <summary>
/// Handed to the uploader by the task, which reads it when the build is cancelled, to say what stands.
/// The uploader only moves it on.
/// </summary>
internal sealed class UploadProgress
{
    public UploadStage Stage { get; private set; }

    /// <summary>The sync job of the manifest the server received, once it has.</summary>
    public string? JobId { get; private set; }

    public void Sending() => Stage = UploadStage.Sending;

    public void Uploaded(string? jobId)
    {
        Stage = UploadStage.Uploaded;
        JobId = jobId;
    }
}
