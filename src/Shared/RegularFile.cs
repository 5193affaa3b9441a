namespace Qarion.Files;

/// <summary>
/// A file as it was when it was looked at: symbolic links followed to the real file (its size and time,
/// not the link's), a directory, a FIFO, a device or an unopenable path refused with what it is.
/// Compiled into each assembly that reads a manifest (the client, the manifest engine, the task), which
/// share no code at run time; each turns a refusal into its own exception through <c>unreadable</c>.
/// </summary>
/// <param name="Path">The full path as the caller gave it (a link stays a link: that is the name the user knows).</param>
/// <param name="Length">The real file's size when it was looked at.</param>
/// <param name="LastWriteUtc">The real file's last write time (UTC) when it was looked at, before any byte was read.</param>
internal sealed record RegularFile(string Path, long Length, DateTime LastWriteUtc)
{
    /// <summary>
    /// Looks at the file. Throws <see cref="FileNotFoundException"/> when nothing is there, and what
    /// <paramref name="unreadable"/> makes of (full path, reason, inner exception) for anything else.
    /// </summary>
    public static RegularFile Find(string path, Func<string, string, Exception?, Exception> unreadable)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw unreadable(full, "it is a directory, not a file. Point it at the manifest.json file itself (dbt writes it to target/manifest.json).", null);
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
        if (FileKind.NotRegular(full) is { } kind)
        {
            throw unreadable(full, $"it is {kind}, not a regular file; only a regular file is read. Point it at the manifest.json file dbt wrote (target/manifest.json).", null);
        }

        try
        {
            using var handle = File.OpenHandle(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new RegularFile(full, RandomAccess.GetLength(handle), info.LastWriteTimeUtc);
        }
        catch (Exception ex) when (ex is (IOException or UnauthorizedAccessException) and not (FileNotFoundException or DirectoryNotFoundException))
        {
            throw unreadable(full, ex.Message, ex);
        }
    }
}
