namespace Qarion.Client;

/// <summary>
/// The local file of an upload could not be sent as it was: a failure of this machine's file, never of
/// the network or the server, and never retried. A missing file is <see cref="FileNotFoundException"/>
/// instead, before any request, as in the Python SDK.
/// </summary>
public sealed class QarionFileException : QarionException
{
    /// <summary>A problem with the file at <paramref name="path"/>.</summary>
    public QarionFileException(QarionFileProblem problem, string path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Problem = problem;
        FilePath = path;
    }

    /// <summary>What kind of problem it is.</summary>
    public QarionFileProblem Problem { get; }

    /// <summary>The file's full path, as the caller gave it.</summary>
    public string FilePath { get; }
}
