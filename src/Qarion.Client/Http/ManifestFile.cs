using Qarion.Files;

namespace Qarion.Client.Http;

/// <summary>
/// The file of an upload as it was when the upload began (<see cref="RegularFile"/>). Every later read
/// goes through here, so a local read failure is reported as one (<see cref="QarionFileException"/>)
/// and never as the network's.
/// </summary>
internal sealed class ManifestFile
{
    private readonly RegularFile _file;

    private ManifestFile(RegularFile file) => _file = file;

    /// <summary>The full path as the caller gave it.</summary>
    public string Path => _file.Path;

    /// <summary>The real file's size when it was looked at.</summary>
    public long Length => _file.Length;

    /// <summary>
    /// Looks at the file. Throws <see cref="FileNotFoundException"/> when nothing is there (before any
    /// request), and <see cref="QarionFileException"/> (<see cref="QarionFileProblem.Unreadable"/>) for a
    /// directory, a FIFO or device, or a file that cannot be opened.
    /// </summary>
    public static ManifestFile Find(string path) => new(RegularFile.Find(path, Unreadable));

    /// <summary>Opens the real file for one pass; a failure is the file's, with the system's reason.</summary>
    public FileStream OpenRead()
    {
        try
        {
            return new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ex is FileNotFoundException or DirectoryNotFoundException
                ? Changed("it was deleted after the upload began")
                : Unreadable(Path, ex.Message, ex);
        }
    }

    /// <summary>Reads the next bytes; a read error of the disk is the file's problem, not the network's.</summary>
    public async ValueTask<int> ReadAsync(FileStream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(Path, ex.Message, ex);
        }
    }

    /// <summary>The file is no longer the size it had when the upload began.</summary>
    public QarionFileException Changed(string what) => new(
        QarionFileProblem.Changed,
        Path,
        $"The dbt manifest {Path} changed while it was being uploaded: {what}. The request was stopped before its last byte, so the server did not receive it. " +
        "Something else is writing the file during the build (a second dbt run, an editor, a sync tool): let it finish, then build again.");

    private static QarionFileException Unreadable(string path, string reason, Exception? inner) =>
        new(QarionFileProblem.Unreadable, path, $"The dbt manifest {path} cannot be read: {reason}", inner);
}
