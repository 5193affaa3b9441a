namespace Qarion.Client.Manifests;

/// <summary>
/// A manifest on disk as it was when an upload began: symbolic links followed to the real file (its
/// size and time, not the link's), a directory or an unreadable path refused with what it is. Every
/// later read goes through here, so a local read failure is reported as one and never as the network's.
/// </summary>
internal sealed class ManifestFile
{
    private ManifestFile(string path, long length, DateTime lastWriteUtc)
    {
        Path = path;
        Length = length;
        LastWriteUtc = lastWriteUtc;
    }

    /// <summary>The full path as the caller gave it (a link stays a link: that is the name the user knows).</summary>
    public string Path { get; }

    /// <summary>The real file's size when it was looked at.</summary>
    public long Length { get; }

    /// <summary>The real file's last write time (UTC) when it was looked at, before any byte was read.</summary>
    public DateTime LastWriteUtc { get; }

    /// <summary>
    /// Looks at the file. Throws <see cref="FileNotFoundException"/> when nothing is there (before any
    /// request), and <see cref="DbtManifestException"/> (<see cref="DbtManifestProblem.Unreadable"/>) for a
    /// directory, a link to nothing usable, or a file that cannot be opened.
    /// </summary>
    public static ManifestFile Find(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw Unreadable(full, "it is a directory, not a file. Point it at the manifest.json file itself (dbt writes it to target/manifest.json).");
        }

        FileSystemInfo info = new FileInfo(full);
        if (info.LinkTarget is { } linkTarget)
        {
            // A link's own size is the length of its target's name: the real file's facts are wanted.
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null || !target.Exists)
            {
                throw new FileNotFoundException(
                    $"The dbt manifest {full} is a symbolic link to {linkTarget}, which does not exist. Run `dbt build` or `dbt parse` to produce it, or fix the link.",
                    full);
            }

            info = target;
        }

        if (!info.Exists)
        {
            throw new FileNotFoundException(
                $"The dbt manifest {full} does not exist. Run `dbt build` or `dbt parse` to produce it, or give the right path.", full);
        }

        // A FIFO or a device would read forever or never: only a regular file is read.
        if (Http.FileKind.NotRegular(full) is { } kind)
        {
            throw Unreadable(full, $"it is {kind}, not a regular file; only a regular file is read. Point it at the manifest.json file dbt wrote (target/manifest.json).");
        }

        try
        {
            using var handle = File.OpenHandle(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new ManifestFile(full, RandomAccess.GetLength(handle), info.LastWriteTimeUtc);
        }
        catch (Exception ex) when (ex is (IOException or UnauthorizedAccessException) and not (FileNotFoundException or DirectoryNotFoundException))
        {
            throw Unreadable(full, ex.Message, ex);
        }
    }

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

    /// <summary>The file is not what was checked (or is no longer the size it had).</summary>
    public DbtManifestException Changed(string what) => new(
        DbtManifestProblem.Changed,
        $"The dbt manifest {Path} changed while it was being uploaded: {what}. The request was stopped before its last byte, so the server did not receive it. " +
        "Something else is writing the file during the build (a second dbt run, an editor, a sync tool): let it finish, then build again.");

    private static DbtManifestException Unreadable(string path, string reason, Exception? inner = null) =>
        new(DbtManifestProblem.Unreadable, $"The dbt manifest {path} cannot be read: {reason}", inner: inner);
}
