namespace Qarion.Tests.Shared;

/// <summary>Where the real dbt manifests are: ../shared/data beside the repository (or QARION_TEST_DATA).</summary>
public static class TestData
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string ManifestsDirectory { get; } =
        Environment.GetEnvironmentVariable("QARION_TEST_DATA") is { Length: > 0 } dir
            ? dir
            : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data", "dbt-manifests"));

    public static string Manifest(string name) => Path.Combine(ManifestsDirectory, name);

    public static string BrokenManifest => Path.Combine(ManifestsDirectory, "invalid", "fivetran-hubspot-merge-conflict.manifest.json");

    /// <summary>Every valid manifest with the node count SOURCES.tsv gives for it.</summary>
    public static IEnumerable<(string File, int Nodes, string SchemaVersion)> Catalog()
    {
        var lines = File.ReadAllLines(Path.Combine(ManifestsDirectory, "SOURCES.tsv"));
        var header = lines[0].Split('\t');
        int Col(string name) => Array.IndexOf(header, name);
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split('\t');
            if (cells[Col("file")].StartsWith("invalid/", StringComparison.Ordinal))
            {
                continue;
            }

            yield return (cells[Col("file")], int.Parse(cells[Col("nodes")]), cells[Col("dbt_schema_version")]);
        }
    }

    public static string Sha256(string path) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();

    public static string TempDirectory(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), "qarion-tests", $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Qarion.Build.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Qarion.Build.sln not found above " + AppContext.BaseDirectory);
    }
}
