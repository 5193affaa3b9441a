using System.Text;

namespace Qarion.Tests.Shared;

/// <summary>
/// Writes a large, valid manifest by repeating one real node of a real manifest under new names, so
/// size tests and benchmarks use real dbt content without keeping gigabytes in the repository.
/// </summary>
public static class ManifestGenerator
{
    public static long Write(string path, long targetBytes, string schemaVersion = "https://schemas.getdbt.com/dbt/manifest/v12.json")
    {
        var node = SampleNode();
        using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 20);
        writer.Write("{\"nodes\": {");
        var nodeBytes = Encoding.UTF8.GetByteCount(node);
        long written = 11;
        long count = 0;
        while (written + nodeBytes + 200 < targetBytes)
        {
            var key = $"{(count > 0 ? ", " : "")}\"model.generated.node_{count}\": ";
            writer.Write(key);
            writer.Write(node);
            written += key.Length + nodeBytes;
            count++;
        }

        // Metadata last on purpose: readers must not assume key order.
        writer.Write($"}}, \"sources\": {{}}, \"metadata\": {{\"dbt_schema_version\": \"{schemaVersion}\", \"dbt_version\": \"1.10.13\"}}}}");
        return count;
    }

    private static string SampleNode()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json")));
        var first = doc.RootElement.GetProperty("nodes").EnumerateObject().First(n => n.Name.StartsWith("model.", StringComparison.Ordinal));
        return first.Value.GetRawText().ReplaceLineEndings(" ");
    }
}
