namespace Qarion.Dbt.Manifests;

/// <summary>What is wrong with a file that was meant to be a dbt manifest.</summary>
public enum DbtManifestProblem
{
    /// <summary>The file has no bytes, or only white space.</summary>
    Empty,

    /// <summary>The file is not well-formed JSON in UTF-8 (broken, truncated, merge-conflict markers, another encoding, …).</summary>
    InvalidJson,

    /// <summary>The file is JSON but not a dbt manifest (a run_results.json or catalog.json, say).</summary>
    NotAManifest,

    /// <summary>The path cannot be read as a file: a directory, a FIFO or device, no permission, a read error of the disk.</summary>
    Unreadable,

    /// <summary>
    /// The bytes are not the ones checked before: their fingerprint differs from
    /// <see cref="DbtManifestCheckOptions.ExpectedFingerprint"/>, so the file changed in between.
    /// </summary>
    Changed,
}
