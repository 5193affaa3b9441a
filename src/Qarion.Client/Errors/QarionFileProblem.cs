namespace Qarion.Client;

/// <summary>What went wrong with the local file of an upload (<see cref="QarionFileException"/>).</summary>
public enum QarionFileProblem
{
    /// <summary>The path cannot be read as a file: a directory, a FIFO or device, no permission, a read error of the disk.</summary>
    Unreadable,

    /// <summary>
    /// The file changed while it was sent (it grew, shrank or was deleted). The request was stopped
    /// before its last byte, so the server never received it whole.
    /// </summary>
    Changed,
}
