namespace Qarion.Testing;

/// <summary>Files that are meant to be manifests and are not, one of each kind of mistake.</summary>
public static class BadFiles
{
    public static string Make(string kind)
    {
        var dir = TestData.TempDirectory("bad");
        var path = Path.Combine(dir, "manifest.json");
        switch (kind)
        {
            case "broken":
                return TestData.BrokenManifest;
            case "empty":
                File.WriteAllBytes(path, []);
                break;
            case "run_results":
                File.WriteAllText(path, """{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json", "dbt_version": "1.10.13"}, "results": [], "elapsed_time": 1.5}""");
                break;
            case "truncated":
                var bytes = File.ReadAllBytes(TestData.Manifest("dbt-core-state-v11.manifest.json"));
                File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
                break;
            case "not-json":
                File.WriteAllText(path, "this is not json");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }

        return path;
    }
}
