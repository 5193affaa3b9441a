using System.Text;
using System.Text.Json;
using Qarion.Dbt.Manifests;
using Qarion.Dbt.Manifests.Scanning;
using Qarion.Dbt.Manifests.Tests.Support;
using Qarion.Testing;

namespace Qarion.Dbt.Manifests.Tests;

/// <summary>
/// The fast check decides alone whether a manifest is sent, so it must agree with <see cref="Utf8JsonReader"/>
/// (plus UTF-8 validity) on every input: real manifests, generated ones, and hundreds of thousands of mutated
/// ones, at every chunking, with every way of classifying blocks (512-, 256-, 128-bit vectors and the byte
/// loop without any intrinsic). Both must also find the same counts and metadata. Half a minute of one
/// core: it runs alone, after the parallel tests, so it does not starve their servers of CPU.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ScannerDifferentialTests
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = DbtManifestCheck.MaxDepth, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Every classifier, whatever this machine runs natively (the runtime emulates wider vectors in software).</summary>
    private static readonly ClassifierKind[] AllKinds = [ClassifierKind.Vector512, ClassifierKind.Vector256, ClassifierKind.Vector128, ClassifierKind.Scalar];

    /// <summary>What the scanner must find, as <see cref="Utf8JsonReader"/> finds it.</summary>
    private sealed record Findings(long Nodes, long Sources, long Macros, long Exposures, long Metrics, string? SchemaVersionUrl, string? DbtVersion);

    /// <summary>The oracle: one JSON document, valid UTF-8, an object at the top (the check's first demand); null when refused.</summary>
    private static Findings? Oracle(byte[] bytes)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(bytes, Options);
            var counts = new Dictionary<string, long>();
            string? section = null, field = null, schema = null, version = null;
            var first = true;
            while (reader.Read())
            {
                if (first && reader.TokenType != JsonTokenType.StartObject)
                {
                    return null;
                }

                first = false;
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                {
                    section = reader.GetString();
                }
                else if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 2)
                {
                    counts[section!] = counts.GetValueOrDefault(section!) + 1;
                    field = section == "metadata" ? reader.GetString() : null;
                    continue;
                }
                else if (reader.TokenType == JsonTokenType.String && reader.CurrentDepth == 2 && section == "metadata")
                {
                    if (field == "dbt_schema_version") schema = reader.GetString();
                    if (field == "dbt_version") version = reader.GetString();
                }

                field = null;
            }

            return first ? null : new Findings(
                counts.GetValueOrDefault("nodes"), counts.GetValueOrDefault("sources"), counts.GetValueOrDefault("macros"),
                counts.GetValueOrDefault("exposures"), counts.GetValueOrDefault("metrics"), schema, version);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Findings? Scan(byte[] bytes, int chunk, ClassifierKind kind) => Scan(bytes, Chunks(bytes.Length, chunk), kind);

    private static IEnumerable<(int Start, int Length)> Chunks(int length, int chunk)
    {
        for (var i = 0; i < length; i += chunk)
        {
            yield return (i, Math.Min(chunk, length - i));
        }
    }

    private static Findings? Scan(byte[] bytes, IEnumerable<(int Start, int Length)> chunks, ClassifierKind kind)
    {
        var scanner = new ManifestScanner(kind);
        try
        {
            foreach (var (start, length) in chunks)
            {
                scanner.Append(bytes.AsSpan(start, length));
            }

            scanner.Complete();
            var facts = scanner.Facts;
            return scanner.SawValue
                ? new Findings(facts.Nodes, facts.Sources, facts.Macros, facts.Exposures, facts.Metrics, facts.SchemaVersionUrl, facts.DbtVersion)
                : null;
        }
        catch (DbtManifestException)
        {
            return null;
        }
    }

    [Theory]
    [MemberData(nameof(ManifestTheories.ManifestFiles), MemberType = typeof(ManifestTheories))]
    public async Task Every_real_manifest_is_accepted_with_the_readers_counts_at_several_chunkings_by_every_classifier(string file)
    {
        var bytes = await File.ReadAllBytesAsync(TestData.Manifest(file));
        var expected = Oracle(bytes);

        Assert.NotNull(expected);
        Assert.NotNull(expected.SchemaVersionUrl);
        foreach (var kind in AllKinds)
        {
            foreach (var chunk in new[] { 1 << 20, 4096, 333, 64, 63, 7 })
            {
                Assert.Equal(expected, Scan(bytes, chunk, kind));
            }
        }
    }

    [Fact]
    public void The_broken_real_manifest_is_refused_by_every_classifier()
    {
        var bytes = File.ReadAllBytes(TestData.BrokenManifest);

        Assert.Null(Oracle(bytes));
        Assert.All(AllKinds, kind => Assert.Null(Scan(bytes, 65536, kind)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Generated_large_manifests_agree_with_the_reader(bool metadataFirst)
    {
        var path = Path.Combine(TestData.TempDirectory("differential"), "manifest.json");
        var nodes = ManifestGenerator.Write(path, 8 << 20, metadataFirst: metadataFirst);
        var bytes = File.ReadAllBytes(path);
        var expected = Oracle(bytes);

        Assert.Equal(nodes, expected?.Nodes);
        Assert.NotNull(expected?.SchemaVersionUrl);
        foreach (var kind in AllKinds)
        {
            Assert.Equal(expected, Scan(bytes, 1 << 20, kind));
        }
    }

    /// <summary>Small documents with every kind of token, the seeds of the mutations; several span many 64-byte blocks and nest deep.</summary>
    private static readonly string[] Seeds =
    [
        """{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json", "dbt_version": "1.10.13"}, "nodes": {"model.a": {"n": -12.5e+3, "t": true, "f": false, "z": null, "s": "a\"b\\c\/d\b\f\n\r\t\u00e9\uD83D\uDE00", "arr": [1, 0, -0, 0.5, 1E9, [], {}, [[]]]}}, "sources": {"x": {}}}""",
        """{"a":[{"b":"c"},{"d":["e",1,2e-2]}],"e":"\u0041","u":"é日本語😀","n":0}""",
        "{\n  \"nodes\": {\n    \"model.x\": {\"meta\": {\"deep\": {\"deeper\": [1, 2, {\"k\": \"v\"}]}}}\n  },\n  \"metadata\": {\"dbt_schema_version\": \"x\"}\n}\n",
        """{"k": "value with spaces and 'quotes'", "num": 123456789012345678901234567890, "frac": 0.000001, "neg": -0}""",
        """{"nodes": {"model.p.a": {"raw_code": "select *\n  from {{ ref('x') }}\n where a = '\\\\' and b = \"q\" -- \u2603 \\\" end", "config": {"enabled": true, "tags": ["a", "b"], "meta": {"owner": {"name": "x", "level": [1, [2, [3, {"d": null}]]]}}}, "depends_on": {"nodes": ["model.p.b"], "macros": []}}, "model.p.b": {"columns": {"id": {"name": "id", "data_type": null, "constraints": [], "quote": false}}, "checksum": 12345.678e-9}}, "macros": {"macro.p.m": {"macro_sql": "{% macro m() %}\\n{{ return(1) }}\\n{% endmacro %}"}}, "metadata": {"dbt_version": "1.9\u002e0", "dbt_schema_version": "https:\/\/schemas.getdbt.com\/dbt\/manifest\/v11.json"}, "exposures": {"e": {}}, "metrics": {"m": {"x": [[[[[[true]]]]]]}}}""",
        """{"s": "\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\"", "t": "\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"", "u": "\uABCD\uabcd\u0000\u001F\\u", "n": [0, 1, 22, 333, 4444, 55555, 666666, 7777777, 88888888, 999999999, 1.0, -1.5e10, 2E+2, 3e-3]}""",
    ];

    private static readonly byte[] StringBytes = "abc xyz\\\"/u0"u8.ToArray();

    private static readonly byte[] Interesting = "\"\\{}[],:0123456789-+.eEtrufalsn \t\r\n\u0000\u001f/u\u00ff"u8.ToArray();

    [Fact]
    public void Hundreds_of_thousands_of_mutated_documents_are_judged_as_the_reader_judges_them_by_every_classifier()
    {
        var random = new Random(20261129);
        var judged = 0;
        var accepted = 0;
        var disagreements = new List<string>();
        foreach (var seed in Seeds)
        {
            var original = Encoding.UTF8.GetBytes(seed);
            Assert.NotNull(Oracle(original));
            for (var n = 0; n < 50_000; n++)
            {
                var bytes = Mutate(original, random);
                var chunk = 1 + random.Next(Math.Max(1, bytes.Length));
                var expected = Oracle(bytes);
                accepted += expected is null ? 0 : 1;
                foreach (var kind in AllKinds)
                {
                    var found = Scan(bytes, chunk, kind);
                    judged++;
                    if (found != expected && disagreements.Count < 10)
                    {
                        disagreements.Add($"{kind}: oracle {expected}, scanner {found}, chunk {chunk}: {Convert.ToHexString(bytes)} = {Encoding.UTF8.GetString(bytes)}");
                    }
                }
            }
        }

        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
        Assert.Equal(Seeds.Length * 50_000 * AllKinds.Length, judged);
        // Both verdicts in quantity, so agreement means something.
        Assert.InRange(accepted, Seeds.Length * 5_000, Seeds.Length * 45_000);
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        var edits = 1 + random.Next(3);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(11))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes.RemoveRange(at, bytes.Count - at); break;
                case 2: bytes.Insert(at, Interesting[random.Next(Interesting.Length)]); break;
                case 3: bytes.RemoveAt(at); break;
                case 4: bytes[at] = Interesting[random.Next(Interesting.Length)]; break;
                case 5: bytes.InsertRange(at, random.Next(2) == 0 ? new byte[] { 0xC3 } : new byte[] { 0xE2, 0x82 }); break;
                case 6: bytes.InsertRange(at, Encoding.UTF8.GetBytes(random.Next(2) == 0 ? "{\"k\":[" : "\"\\")); break;
                // A run of backslashes, odd or even, so escapes straddle block boundaries.
                case 7: bytes.InsertRange(at, Enumerable.Repeat((byte)'\\', 1 + random.Next(70))); break;
                // Long string content, which shifts everything after it across blocks.
                case 8: bytes.InsertRange(at, Enumerable.Range(0, 1 + random.Next(130)).Select(_ => StringBytes[random.Next(StringBytes.Length)])); break;
                // Deep nesting, open or balanced.
                case 9:
                    var depth = 1 + random.Next(40);
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(random.Next(2) == 0 ? new string('[', depth) : new string('[', depth) + "1" + new string(']', depth)));
                    break;
                // A token's first byte doubled or dropped: "tru", "nulll", "--1", "1..2".
                default: bytes.Insert(at, bytes[at]); break;
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

        Assert.Equal(accepted, Oracle(bytes) is not null);
        Assert.All(AllKinds, kind => Assert.Equal(accepted, Scan(bytes, 100, kind) is not null));
    }

    [Theory]
    [InlineData("Vector512")]
    [InlineData("Vector256")]
    [InlineData("Vector128")]
    [InlineData("Scalar")]
    public void Chunk_boundaries_at_every_offset_of_a_small_file_are_read_alike(string classifier)
    {
        var kind = Enum.Parse<ClassifierKind>(classifier);
        foreach (var seed in new[] { Seeds[1], Seeds[4], Seeds[5] })
        {
            var bytes = Encoding.UTF8.GetBytes(seed);
            // An invalid escape: what only stage 1 sees, wherever the split falls.
            var broken = bytes.ToArray();
            broken[Array.IndexOf(broken, (byte)'\\') + 1] = (byte)'x';
            var expected = Oracle(bytes);
            Assert.NotNull(expected);
            Assert.Null(Oracle(broken));
            for (var split = 1; split < bytes.Length; split++)
            {
                Assert.Equal(expected, Scan(bytes, [(0, split), (split, bytes.Length - split)], kind));
                Assert.Null(Scan(broken, [(0, split), (split, broken.Length - split)], kind));
            }

            for (var chunk = 1; chunk <= 130; chunk++)
            {
                Assert.Equal(expected, Scan(bytes, chunk, kind));
            }
        }
    }

    [Fact]
    public void Memory_is_a_few_buffers_whatever_the_longest_token()
    {
        // A 48 MB string, a number of a million digits, a long run of escapes and a megabyte of structure.
        var chunk = new byte[1 << 20];
        var scanner = new ManifestScanner();
        scanner.Append("{\"metadata\": {\"dbt_schema_version\": \"https://schemas.getdbt.com/dbt/manifest/v12.json\"}, \"nodes\": {\"a\": {\"raw_code\": \""u8);
        var before = GC.GetAllocatedBytesForCurrentThread();
        chunk.AsSpan().Fill((byte)'x');
        for (var i = 0; i < 48; i++)
        {
            scanner.Append(chunk);
        }

        for (var i = 0; i < chunk.Length; i += 2)
        {
            chunk[i] = (byte)'\\';
            chunk[i + 1] = (byte)'n';
        }

        scanner.Append(chunk);
        scanner.Append("\", \"n\": 1"u8);
        chunk.AsSpan().Fill((byte)'7');
        scanner.Append(chunk);
        // And structure: every kind of position, deep in the document, a megabyte of it.
        var entry = ", \"e\": {\"k\": [1, \"v\", true, null, -2.5e3, {}, []]}"u8;
        for (var i = 0; i < (1 << 20) / entry.Length; i++)
        {
            scanner.Append(entry);
        }

        scanner.Append("}}}"u8);
        scanner.Complete();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(1, scanner.Facts.Nodes);
        Assert.InRange(allocated, 0, 16 * 1024);
    }

    [Fact]
    public void Escapes_are_found_as_a_byte_by_byte_walk_finds_them_across_blocks()
    {
        var random = new Random(7);
        for (var round = 0; round < 20_000; round++)
        {
            // Four blocks of backslashes and other bytes, dense enough for long runs at every offset.
            var backslashes = new bool[256];
            for (var i = 0; i < backslashes.Length; i++)
            {
                backslashes[i] = random.Next(3) > 0;
            }

            var expected = new bool[256];
            for (var i = 0; i < backslashes.Length - 1; i++)
            {
                if (backslashes[i] && !expected[i])
                {
                    expected[i + 1] = true;
                }
            }

            var masks = new StringMasks(portable: false);
            for (var block = 0; block < 4; block++)
            {
                ulong bits = 0;
                for (var i = 0; i < 64; i++)
                {
                    bits |= backslashes[block * 64 + i] ? 1UL << i : 0;
                }

                var escaped = masks.Escaped(bits);
                for (var i = 0; i < 64; i++)
                {
                    Assert.Equal(expected[block * 64 + i], (escaped & (1UL << i)) != 0);
                }
            }
        }
    }

    [Fact]
    public void The_grammars_constant_tables_are_what_its_readable_table_and_json_say()
    {
        for (var kind = 0; kind < 3; kind++)
        {
            ulong packed = 0;
            for (var state = 0; state <= (int)Grammar.State.Error; state++)
            {
                packed |= (ulong)Grammar.Next[(state * 3) + kind] << (state * 4);
            }

            Assert.Equal(packed, Grammar.PackedNext(kind));
        }

        for (var b = 0; b < 256; b++)
        {
            var expected = (char)b switch
            {
                '"' => Grammar.Quote, ':' => Grammar.Colon, ',' => Grammar.Comma, '{' => Grammar.OpenBrace,
                '[' => Grammar.OpenBracket, '}' => Grammar.CloseBrace, ']' => Grammar.CloseBracket, _ => Grammar.Scalar,
            };
            Assert.Equal(expected, Grammar.Classes[b]);
        }
    }

    [Fact]
    public void The_portable_prefix_xor_equals_the_carry_less_multiply()
    {
        var random = new Random(11);
        for (var i = 0; i < 100_000; i++)
        {
            var bits = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40);
            ulong expected = 0, running = 0;
            for (var b = 0; b < 64; b++)
            {
                running ^= (bits >> b) & 1;
                expected |= running << b;
            }

            Assert.Equal(expected, StringMasks.PrefixXorPortable(bits));
            Assert.Equal(expected, StringMasks.PrefixXor(bits));
        }
    }

    [Fact]
    public void Every_classifier_gives_the_same_masks_for_every_byte_value_at_every_position()
    {
        var random = new Random(3);
        var block = new byte[64];
        for (var round = 0; round < 2_000; round++)
        {
            for (var i = 0; i < 64; i++)
            {
                block[i] = round < 256 ? (byte)(round + i) : (byte)random.Next(256);
            }

            var expected = BlockClassifier.Classify(ClassifierKind.Scalar, ref block[0]);
            foreach (var kind in AllKinds)
            {
                Assert.Equal(expected, BlockClassifier.Classify(kind, ref block[0]));
            }
        }
    }

    [Fact]
    public void The_fallback_is_chosen_when_no_vector_runs_in_hardware_and_each_named_kind_is_kept()
    {
        Assert.Equal(ClassifierKind.Scalar, BlockClassifier.Resolve(ClassifierKind.Scalar));
        Assert.Equal(ClassifierKind.Vector128, BlockClassifier.Resolve(ClassifierKind.Vector128));
        var best = BlockClassifier.Resolve(ClassifierKind.Best);
        Assert.Equal(
            System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? ClassifierKind.Vector512
                : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? ClassifierKind.Vector256
                : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? ClassifierKind.Vector128
                : ClassifierKind.Scalar,
            best);
    }
}
