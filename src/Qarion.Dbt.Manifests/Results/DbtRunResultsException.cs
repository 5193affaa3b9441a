namespace Qarion.Dbt.Manifests;

/// <summary>A <c>run_results.json</c> (or the manifest read beside it) that cannot be read as dbt writes it: what is wrong, and in which file.</summary>
public sealed class DbtRunResultsException(string message, string path, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The file that could not be read.</summary>
    public string FilePath { get; } = path;
}
