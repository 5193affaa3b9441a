namespace Qarion.Dbt.Manifests;

/// <summary>What became of one node in a dbt run, as <c>run_results.json</c> says it (every schema, v1 to v6).</summary>
public enum DbtResultStatus
{
    /// <summary>A status this library does not know (kept raw in <see cref="DbtRunResult.RawStatus"/>).</summary>
    Other,

    /// <summary>A model, seed or snapshot ran (<c>success</c>).</summary>
    Success,

    /// <summary>A test passed (<c>pass</c>).</summary>
    Pass,

    /// <summary>A test found rows, configured to warn (<c>warn</c>).</summary>
    Warn,

    /// <summary>A test found rows, configured to fail (<c>fail</c>).</summary>
    Fail,

    /// <summary>The node could not run: a database or compilation error (<c>error</c>, <c>runtime error</c>).</summary>
    Error,

    /// <summary>Not run, because something it depends on failed (<c>skipped</c>).</summary>
    Skipped,
}
