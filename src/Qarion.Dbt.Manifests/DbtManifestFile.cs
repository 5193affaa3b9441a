using Qarion.Files;

namespace Qarion.Dbt.Manifests;

/// <summary>
/// A manifest on disk as it was when it was looked at: links followed to the real file (its size and
/// time, not the link's). Only a regular file is accepted: a FIFO or a device would read forever or never.
/// </summary>
public sealed class DbtManifestFile
{
    private DbtManifestFile(RegularFile file)
    {
        FullPath = file.Path;
        Length = file.Length;
        LastWriteUtc = file.LastWriteUtc;
    }

    /// <summary>The full path as the caller gave it (a link stays a link: that is the name the user knows).</summary>
    public string FullPath { get; }

    /// <summary>The real file's size when it was looked at.</summary>
    public long Length { get; }

    /// <summary>The real file's last write time (UTC) when it was looked at.</summary>
    public DateTime LastWriteUtc { get; }

    /// <summary>
    /// Looks at the file. Throws <see cref="FileNotFoundException"/> when nothing is there (or a link
    /// leads nowhere), and <see cref="DbtManifestException"/> (<see cref="DbtManifestProblem.Unreadable"/>)
    /// for a directory, a FIFO or device, or a file that cannot be opened.
    /// </summary>
    public static DbtManifestFile Find(string path) => new(RegularFile.Find(path, (full, reason, inner) => Unreadable(full, reason, inner)));

    /// <summary>Opens the file for one pass; a failure is the file's, with the system's reason.</summary>
    internal static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is (IOException or UnauthorizedAccessException) and not (FileNotFoundException or DirectoryNotFoundException))
        {
            throw Unreadable(path, ex.Message, ex);
        }
    }

    /// <summary>Reads the next bytes; a read error of the disk is said as one.</summary>
    internal static int Read(string path, FileStream file, Span<byte> buffer)
    {
        try
        {
            return file.Read(buffer);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(path, ex.Message, ex);
        }
    }

    private static DbtManifestException Unreadable(string path, string reason, Exception? inner) =>
        new(DbtManifestProblem.Unreadable, $"The dbt manifest {path} cannot be read: {reason}", inner: inner);
}
