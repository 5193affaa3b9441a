using System.Text;
using System.Text.Json;
using Qarion.Client.Manifests;
using Qarion.Tests.Shared;

namespace Qarion.Client.Tests;

/// <summary>
/// The fast check decides alone whether a manifest is sent, so it must agree with <see cref="Utf8JsonReader"/>
/// (plus UTF-8 validity) on every input: real manifests, generated ones, and many thousands of mutated ones,
/// at every chunking. Both must also find the same counts.
/// </summary>
public sealed class ScannerDifferentialTests
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = DbtManifestReader.MaxDepth, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>The oracle: one JSON document, valid UTF-8, an object at the top (the check's first demand).</summary>
    private static bool OracleAccepts(byte[] bytes)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(bytes, Options);
            var first = true;
            while (reader.Read())
            {
                if (first && reader.TokenType != JsonTokenType.StartObject)
                {
                    return false;
                }

                first = false;
            }

            return !first;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool ScannerAccepts(byte[] bytes, int chunk, out ManifestScanner scanner)
    {
        scanner = new ManifestScanner();
        try
        {
            for (var i = 0; i < bytes.Length; i += chunk)
            {
                scanner.Append(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)));
            }

            scanner.Complete();
            return scanner.SawValue;
        }
        catch (DbtManifestException)
        {
            return false;
        }
    }

    [Theory]
    [MemberData(nameof(ManifestTheories.ManifestFiles), MemberType = typeof(ManifestTheories))]
    public async Task Every_real_manifest_is_accepted_with_the_readers_counts_at_several_chunkings(string file)
    {
        var bytes = await File.ReadAllBytesAsync(TestData.Manifest(file));
        var precise = new DbtManifestReader(false, precise: true);
        precise.Append(bytes);
        var expected = precise.Complete();

        foreach (var chunk in new[] { 1 << 20, 4096, 333, 7 })
        {
            Assert.True(ScannerAccepts(bytes, chunk, out var scanner), $"{file} at chunk {chunk}");
            Assert.Equal(
                (expected.SchemaVersionUrl, expected.DbtVersion, expected.Nodes, expected.Sources, expected.Macros, expected.Exposures, expected.Metrics),
                (scanner.SchemaVersionUrl, scanner.DbtVersion, scanner.Nodes, scanner.Sources, scanner.Macros, scanner.Exposures, scanner.Metrics));
        }
    }

    [Fact]
    public void The_broken_real_manifest_is_refused()
    {
        var bytes = File.ReadAllBytes(TestData.BrokenManifest);

        Assert.False(OracleAccepts(bytes));
        Assert.False(ScannerAccepts(bytes, 65536, out _));
    }

    [Fact]
    public void Generated_large_manifests_agree_with_the_reader()
    {
        var path = Path.Combine(TestData.TempDirectory("differential"), "manifest.json");
        ManifestGenerator.Write(path, 8 << 20);
        var bytes = File.ReadAllBytes(path);
        var precise = new DbtManifestReader(false, precise: true);
        precise.Append(bytes);
        var expected = precise.Complete();

        Assert.True(ScannerAccepts(bytes, 1 << 20, out var scanner));
        Assert.Equal(expected.Nodes, scanner.Nodes);
        Assert.Equal(expected.SchemaVersionUrl, scanner.SchemaVersionUrl);
    }

    /// <summary>Small documents with every kind of token, the seeds of the mutations.</summary>
    private static readonly string[] Seeds =
    [
        """{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json", "dbt_version": "1.10.13"}, "nodes": {"model.a": {"n": -12.5e+3, "t": true, "f": false, "z": null, "s": "a\"b\\c\/d\b\f\n\r\t\u00e9\uD83D\uDE00", "arr": [1, 0, -0, 0.5, 1E9, [], {}, [[]]]}}, "sources": {"x": {}}}""",
        """{"a":[{"b":"c"},{"d":["e",1,2e-2]}],"e":"\u0041","u":"é日本語😀","n":0}""",
        "{\n  \"nodes\": {\n    \"model.x\": {\"meta\": {\"deep\": {\"deeper\": [1, 2, {\"k\": \"v\"}]}}}\n  },\n  \"metadata\": {\"dbt_schema_version\": \"x\"}\n}\n",
        """{"k": "value with spaces and 'quotes'", "num": 123456789012345678901234567890, "frac": 0.000001, "neg": -0}""",
    ];

    private static readonly byte[] Interesting = "\"\\{}[],:0123456789-+.eEtrufalsn \t\r\n\u0000\u001f/u\u00ff"u8.ToArray();

    [Fact]
    public void Hundreds_of_thousands_of_mutated_documents_are_judged_as_the_reader_judges_them()
    {
        var random = new Random(20261129);
        var checkedCount = 0;
        var accepted = 0;
        var disagreements = new List<string>();
        foreach (var seed in Seeds)
        {
            var original = Encoding.UTF8.GetBytes(seed);
            for (var n = 0; n < 50_000; n++)
            {
                var bytes = Mutate(original, random);
                var chunk = 1 + random.Next(Math.Max(1, bytes.Length));
                var oracle = OracleAccepts(bytes);
                var fast = ScannerAccepts(bytes, chunk, out _);
                checkedCount++;
                accepted += oracle ? 1 : 0;
                if (oracle != fast && disagreements.Count < 10)
                {
                    disagreements.Add($"oracle {oracle}, scanner {fast}, chunk {chunk}: {Convert.ToHexString(bytes)} = {Encoding.UTF8.GetString(bytes)}");
                }
            }
        }

        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
        Assert.Equal(200_000, checkedCount);
        // Both verdicts in quantity, so agreement means something.
        Assert.InRange(accepted, 10_000, 190_000);
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        var edits = 1 + random.Next(3);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes.RemoveRange(at, bytes.Count - at); break;
                case 2: bytes.Insert(at, Interesting[random.Next(Interesting.Length)]); break;
                case 3: bytes.RemoveAt(at); break;
                case 4: bytes[at] = Interesting[random.Next(Interesting.Length)]; break;
                case 5: bytes.InsertRange(at, random.Next(2) == 0 ? new byte[] { 0xC3 } : new byte[] { 0xE2, 0x82 }); break;
                default: bytes.InsertRange(at, Encoding.UTF8.GetBytes(random.Next(2) == 0 ? "{\"k\":[" : "\"\\")); break;
            }
        }

        return [.. bytes];
    }

    [Theory]
    [InlineData(4095, true)]
    [InlineData(4096, true)]
    [InlineData(4097, false)]
    public void Depth_is_limited_exactly_as_the_reader_limits_it(int depth, bool accepted)
    {
        var bytes = Encoding.UTF8.GetBytes("{\"a\":" + new string('[', depth - 1) + new string(']', depth - 1) + "}");

        Assert.Equal(OracleAccepts(bytes), ScannerAccepts(bytes, 100, out _));
        Assert.Equal(accepted, ScannerAccepts(bytes, 100, out _));
    }

    [Fact]
    public void A_character_split_at_every_offset_of_a_small_file_is_read_alike()
    {
        var bytes = Encoding.UTF8.GetBytes(Seeds[1]);
        for (var split = 1; split < bytes.Length; split++)
        {
            var scanner = new ManifestScanner();
            scanner.Append(bytes.AsSpan(0, split));
            scanner.Append(bytes.AsSpan(split));
            scanner.Complete();
        }
    }
}
