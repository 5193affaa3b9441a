namespace Qarion.Dbt.Manifests;

/// <summary>Where a dbt node is defined, as the manifest says.</summary>
/// <param name="Name">Its name (<c>orders</c>, <c>not_null_orders_order_id</c>).</param>
/// <param name="ResourceType">model, test, seed, snapshot, source, …</param>
/// <param name="PackageName">The dbt package it belongs to: the project's own, or an installed one.</param>
/// <param name="OriginalFilePath">
/// The file that defines it, relative to its package's root, as dbt wrote it (on Windows with
/// backslashes): a model's <c>.sql</c>, a seed's <c>.csv</c>, a generic test's YAML.
/// </param>
public sealed record DbtNode(string Name, string ResourceType, string PackageName, string OriginalFilePath)
{
    /// <summary>
    /// The defining file on this machine: under <paramref name="projectDirectory"/> for the project's own
    /// nodes, under <c>dbt_packages/&lt;package&gt;/</c> (dbt's install folder) for a package's. Separators
    /// are this system's, whichever dbt wrote.
    /// </summary>
    /// <param name="projectDirectory">The dbt project's folder.</param>
    /// <param name="projectName">The project's own package name (the manifest's <c>project_name</c>, or the results' nodes' majority).</param>
    public string FileIn(string projectDirectory, string? projectName)
    {
        var relative = OriginalFilePath.Replace('\\', '/').Replace('/', Path.DirectorySeparatorChar);
        return projectName is null || string.Equals(PackageName, projectName, StringComparison.Ordinal)
            ? Path.GetFullPath(Path.Combine(projectDirectory, relative))
            : Path.GetFullPath(Path.Combine(projectDirectory, "dbt_packages", PackageName, relative));
    }
}
