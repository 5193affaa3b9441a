namespace Qarion.Client;

/// <summary>
/// Sees every chunk of a file upload before it is sent, and can stop the upload: the place a host plugs
/// its own check in (Qarion.Build checks the dbt manifest here), so that what it checked is exactly what
/// the server receives. Made by <see cref="DbtManifestUploadOptions.CreateInspector"/>, one per attempt.
/// </summary>
/// <remarks>
/// The file is read on a thread of its own, ahead of the sending one. Each chunk reaches
/// <see cref="Inspect"/> before it can be sent, and the file's last chunk is sent only after
/// <see cref="Complete"/> has returned. An exception from either stops the upload before the file's
/// last byte (the server never receives the file whole), is never retried, and reaches the caller of
/// the upload as it was thrown.
/// </remarks>
public interface IUploadInspector
{
    /// <summary>The next chunk of the file, in order; valid only during the call.</summary>
    void Inspect(ReadOnlySpan<byte> chunk);

    /// <summary>The whole file has been inspected; its last chunk is sent when this returns.</summary>
    void Complete();
}
