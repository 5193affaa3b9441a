namespace Qarion.Testing;

/// <summary>
/// The real dbt manifests the tests use, kept in the repository (tests/data/dbt-manifests, with their
/// provenance), and the scratch folders tests write to, removed when the test run ends.
/// </summary>
public static class TestData
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string ManifestsDirectory { get; } = Path.Combine(RepositoryRoot, "tests", "data", "dbt-manifests");

    /// <summary>This test process's scratch root; everything under it is deleted when the process exits.</summary>
    public static string RunDirectory { get; } = CreateRunDirectory();

    public static string Manifest(string name) => Path.Combine(ManifestsDirectory, name);

    /// <summary>Real run_results.json files with the manifests of the same runs (tests/data/dbt-run-results, provenance in its SOURCES.tsv).</summary>
    public static string RunResults(string name) => Path.Combine(RepositoryRoot, "tests", "data", "dbt-run-results", name);

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

    /// <summary>The file's XXH64 as the reference implementation gives it, in the stamp's lower-case hex.</summary>
    public static string Xxh64(string path) => Convert.ToHexStringLower(System.IO.Hashing.XxHash64.Hash(File.ReadAllBytes(path)));

    /// <summary>The scratch folders of the test running in this flow, removed when it ends.</summary>
    private static readonly AsyncLocal<List<string>?> TestScratch = new();

    public static string TempDirectory(string prefix)
    {
        var path = Path.Combine(RunDirectory, $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(path);
        if (TestScratch.Value is { } owned)
        {
            lock (owned)
            {
                owned.Add(path);
            }
        }

        return path;
    }

    /// <summary>Whether the running test's scratch is tracked (it is, for every test: see CleanScratchAttribute).</summary>
    public static bool TracksScratch => TestScratch.Value is not null;

    /// <summary>A test begins: the folders it makes from here on are its own.</summary>
    public static void BeginTest() => TestScratch.Value = [];

    /// <summary>A test ended: its folders go now.</summary>
    public static void EndTest()
    {
        if (TestScratch.Value is not { } owned)
        {
            return;
        }

        lock (owned)
        {
            foreach (var path in owned)
            {
                TryDelete(path);
            }

            owned.Clear();
        }
    }

    private static string CreateRunDirectory()
    {
        var parent = Path.Combine(Path.GetTempPath(), "qarion-tests");
        RemoveAbandonedRuns(parent);
        var path = Path.Combine(parent, $"run-{Environment.ProcessId}-{Guid.NewGuid():N}"[..24]);
        Directory.CreateDirectory(path);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(path);
        return path;
    }

    /// <summary>Runs killed before they could clean up (their process is gone) are removed by the next run.</summary>
    public static void RemoveAbandonedRuns(string parent)
    {
        if (!Directory.Exists(parent))
        {
            return;
        }

        foreach (var dir in Directory.EnumerateDirectories(parent))
        {
            var parts = Path.GetFileName(dir).Split('-');
            var alive = parts.Length >= 3 && parts[0] == "run" && int.TryParse(parts[1], out var pid) && IsAlive(pid);
            if (!alive)
            {
                TryDelete(dir);
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                foreach (var entry in new DirectoryInfo(path).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
                {
                    // A test may have made something read-only (a stamp folder, say); deletion must still work.
                    if (entry is DirectoryInfo && entry.LinkTarget is null && !OperatingSystem.IsWindows())
                    {
                        File.SetUnixFileMode(entry.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                    }
                }

                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the next run removes what is left (RemoveAbandonedRuns).
        }
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
