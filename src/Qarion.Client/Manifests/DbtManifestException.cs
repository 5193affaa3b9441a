namespace Qarion.Client.Manifests;

/// <summary>What is wrong with a file that was meant to be a dbt manifest.</summary>
public enum DbtManifestProblem
{
    /// <summary>The file has no bytes.</summary>
    Empty,

    /// <summary>The file is not well-formed JSON (broken, truncated, merge-conflict markers, …).</summary>
    InvalidJson,

    /// <summary>The file is JSON but not a dbt manifest (a run_results.json or catalog.json, say).</summary>
    NotAManifest,

    /// <summary>The path cannot be read as a file: a directory, no permission, a read error of the disk.</summary>
    Unreadable,

    /// <summary>
    /// The file changed (other bytes, or another size) between the check and the send, or while it was
    /// sent. The request was aborted before its last byte, so the server never received it whole.
    /// </summary>
    Changed,
}

/// <summary>A file is not a usable dbt manifest. Raised before or instead of a complete upload.</summary>
public sealed class DbtManifestException : Qarion.Client.QarionException
{
    /// <summary>A problem with a manifest file, with where it is when the JSON is broken.</summary>
    public DbtManifestException(DbtManifestProblem problem, string message, long? line = null, long? bytePosition = null, long? column = null, Exception? inner = null)
        : base(message, inner)
    {
        Problem = problem;
        Line = line;
        BytePosition = bytePosition;
        Column = column;
    }

    /// <summary>What kind of problem it is.</summary>
    public DbtManifestProblem Problem { get; }

    /// <summary>1-based line of the first error, for <see cref="DbtManifestProblem.InvalidJson"/>.</summary>
    public long? Line { get; }

    /// <summary>1-based byte column on <see cref="Line"/> of the first error, for <see cref="DbtManifestProblem.InvalidJson"/>.</summary>
    public long? Column { get; }

    /// <summary>0-based offset in the file of the first error, for <see cref="DbtManifestProblem.InvalidJson"/>.</summary>
    public long? BytePosition { get; }

    /// <summary>From the fast check, which says where but not what: the file is read again to explain.</summary>
    internal bool NeedsExplanation { get; init; }
}
