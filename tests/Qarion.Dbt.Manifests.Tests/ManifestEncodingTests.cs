using System.Text;
using Qarion.Dbt.Manifests;
using Qarion.Testing;

namespace Qarion.Dbt.Manifests.Tests;

/// <summary>Valid JSON the check must accept, and invalid files it must name for what they are.</summary>
public sealed class ManifestEncodingTests
{
    private static readonly byte[] Jaffle = File.ReadAllBytes(TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json"));

    /// <summary>The bytes checked chunk by chunk, from a file that explains a failure with what and where.</summary>
    private static DbtManifestInfo Read(byte[] bytes, int chunk = 64 * 1024)
    {
        var path = Path.Combine(TestData.TempDirectory("encoding"), "manifest.json");
        File.WriteAllBytes(path, bytes);
        var check = new DbtManifestCheck(new DbtManifestCheckOptions { Fingerprint = true, ExplainFrom = path });
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            check.Append(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)));
        }

        return check.Complete();
    }

    /// <summary>A small manifest whose one node is <paramref name="node"/>.</summary>
    private static string Manifest(string node) =>
        "{\"metadata\": {\"dbt_schema_version\": \"https://schemas.getdbt.com/dbt/manifest/v12.json\"}, \"nodes\": {\"model.x.y\": " + node + "}}";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(65536)]
    public void A_utf8_byte_order_mark_is_accepted_at_any_chunking(int chunk)
    {
        byte[] withBom = [0xEF, 0xBB, 0xBF, .. Jaffle];

        var info = Read(withBom, chunk);

        Assert.Equal((40, 12), ((int)info.Nodes, info.SchemaVersion));
        Assert.Equal(withBom.Length, info.Bytes);
        Assert.Equal(Convert.ToHexStringLower(System.IO.Hashing.XxHash64.Hash(withBom)), info.Fingerprint);
    }

    [Fact]
    public void Nesting_far_deeper_than_64_in_a_nodes_meta_is_accepted()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\": ", 1000)) + "1" + new string('}', 1000);
        var json = Manifest("{\"meta\": " + deep + "}");

        var info = Read(Encoding.UTF8.GetBytes(json), chunk: 100);

        Assert.Equal(1, info.Nodes);
    }

    [Fact]
    public void Nesting_beyond_the_limit_is_invalid_json_not_a_crash()
    {
        var json = Manifest(new string('[', DbtManifestCheck.MaxDepth + 1) + new string(']', DbtManifestCheck.MaxDepth + 1));

        var error = Assert.Throws<DbtManifestException>(() => Read(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(DbtManifestProblem.InvalidJson, error.Problem);
    }

    [Theory]
    [InlineData("utf-16le-bom")]
    [InlineData("utf-16be-bom")]
    [InlineData("utf-16le")]
    [InlineData("utf-16be")]
    [InlineData("utf-16be-2-bytes")]
    [InlineData("utf-32le-bom")]
    [InlineData("utf-32be-bom")]
    public void A_utf16_or_utf32_file_is_named_as_such(string kind)
    {
        var text = Encoding.UTF8.GetString(Jaffle);
        var utf32be = new UTF32Encoding(bigEndian: true, byteOrderMark: true);
        var bytes = kind switch
        {
            "utf-16le-bom" => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)],
            "utf-16be-bom" => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(text)],
            "utf-16be" => Encoding.BigEndianUnicode.GetBytes(text),
            "utf-16be-2-bytes" => Encoding.BigEndianUnicode.GetBytes("{"),
            "utf-32le-bom" => [.. Encoding.UTF32.GetPreamble(), .. Encoding.UTF32.GetBytes(text)],
            "utf-32be-bom" => [.. utf32be.GetPreamble(), .. utf32be.GetBytes(text)],
            _ => Encoding.Unicode.GetBytes(text),
        };

        var error = Assert.Throws<DbtManifestException>(() => Read(bytes));

        Assert.Equal(DbtManifestProblem.InvalidJson, error.Problem);
        Assert.Contains($"The file is {(kind.StartsWith("utf-32", StringComparison.Ordinal) ? "UTF-32" : "UTF-16")}, not UTF-8", error.Message);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void NaN_and_Infinity_are_named(string word)
    {
        var json = Manifest("{\"meta\": {\"ratio\": " + word + "}}");

        var error = Assert.Throws<DbtManifestException>(() => Read(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(DbtManifestProblem.InvalidJson, error.Problem);
        Assert.Contains($"{word} is not JSON", error.Message);
    }

    [Fact]
    public void Another_artifact_is_refused_as_soon_as_its_metadata_is_read()
    {
        var path = Path.Combine(TestData.TempDirectory("early"), "run_results.json");
        ManifestGenerator.Write(path, 8 << 20, ManifestGenerator.RunResultsSchema, metadataFirst: true);
        var bytes = File.ReadAllBytes(path);
        var check = new DbtManifestCheck();

        var error = Assert.Throws<DbtManifestException>(() => check.Append(bytes.AsSpan(0, 64 * 1024)));

        Assert.Equal(DbtManifestProblem.NotAManifest, error.Problem);
        Assert.Contains("run-results", error.Message);
    }
}
