using System.Text;

namespace Qarion.Testing;

/// <summary>
/// Writes a large, valid manifest by repeating one real node of a real manifest under new names, so
/// size tests and benchmarks use real dbt content without keeping gigabytes in the repository.
/// </summary>
public static class ManifestGenerator
{
    public const string RunResultsSchema = "https://schemas.getdbt.com/dbt/run-results/v6.json";

    /// <param name="metadataFirst">Where dbt itself writes it; by default it comes last, so readers cannot lean on key order.</param>
    public static long Write(string path, long targetBytes, string schemaVersion = "https://schemas.getdbt.com/dbt/manifest/v12.json", bool metadataFirst = false)
    {
        var node = SampleNode();
        var metadata = $"\"metadata\": {{\"dbt_schema_version\": \"{schemaVersion}\", \"dbt_version\": \"1.10.13\"}}";
        using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 20);
        var opening = metadataFirst ? "{" + metadata + ", \"nodes\": {" : "{\"nodes\": {";
        writer.Write(opening);
        var nodeBytes = Encoding.UTF8.GetByteCount(node);
        long written = opening.Length;
        long count = 0;
        while (written + nodeBytes + 200 < targetBytes)
        {
            var key = $"{(count > 0 ? ", " : "")}\"model.generated.node_{count}\": ";
            writer.Write(key);
            writer.Write(node);
            written += key.Length + nodeBytes;
            count++;
        }

        writer.Write(metadataFirst ? "}, \"sources\": {}}" : $"}}, \"sources\": {{}}, {metadata}}}");
        return count;
    }

    private static string SampleNode()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json")));
        var first = doc.RootElement.GetProperty("nodes").EnumerateObject().First(n => n.Name.StartsWith("model.", StringComparison.Ordinal));
        return first.Value.GetRawText().ReplaceLineEndings(" ");
    }
}
