namespace Qarion.Dbt.Manifests;

/// <summary>A file is not a usable dbt manifest, and what is wrong with it: where, when the JSON breaks.</summary>
public sealed class DbtManifestException : Exception
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

    /// <summary>1-based line of the first error, for <see cref="DbtManifestProblem.InvalidJson"/> found in a file (see <see cref="DbtManifestCheckOptions.ExplainFrom"/>).</summary>
    public long? Line { get; }

    /// <summary>1-based byte column on <see cref="Line"/> of the first error.</summary>
    public long? Column { get; }

    /// <summary>0-based offset in the file of the first error, for <see cref="DbtManifestProblem.InvalidJson"/>.</summary>
    public long? BytePosition { get; }

    /// <summary>From the scanner, which says where but not what: a file is read again to explain it.</summary>
    internal bool NeedsExplanation { get; init; }
}
