namespace Qarion.Dbt.Manifests;

/// <summary>
/// A dbt run's <c>target/run_results.json</c>, each result joined with its node in the manifest of the
/// same run. Read with <see cref="DbtRunResultsReader.ReadAsync"/>.
/// </summary>
/// <param name="SchemaVersion">The N of <c>run-results/vN.json</c>.</param>
/// <param name="DbtVersion">dbt's version, when written.</param>
/// <param name="InvocationId">The run's id, when written; the manifest of the same run has the same one.</param>
/// <param name="GeneratedAt">When dbt wrote the file, when written.</param>
/// <param name="Command">The dbt command of the run (<c>args.which</c>), when written.</param>
/// <param name="ElapsedSeconds">How long the run took.</param>
/// <param name="ProjectName">The project's own package name: the manifest's <c>project_name</c>, else the package most nodes belong to.</param>
/// <param name="Results">Every result, in dbt's order.</param>
public sealed record DbtRunResults(
    int SchemaVersion, string? DbtVersion, string? InvocationId, DateTimeOffset? GeneratedAt, string? Command,
    double ElapsedSeconds, string? ProjectName, IReadOnlyList<DbtRunResult> Results)
{
    /// <summary>How many results have the status.</summary>
    public int Count(DbtResultStatus status) => Results.Count(r => r.Status == status);
}
