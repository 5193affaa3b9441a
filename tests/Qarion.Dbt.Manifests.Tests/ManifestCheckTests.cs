using Qarion.Dbt.Manifests;
using Qarion.Testing;

namespace Qarion.Dbt.Manifests.Tests;

public sealed class ManifestCheckTests
{
    [Theory]
    [MemberData(nameof(ManifestTheories.ManifestCatalog), MemberType = typeof(ManifestTheories))]
    public async Task Every_real_manifest_is_read_with_the_counts_its_provenance_gives(string file, int nodes, string schema)
    {
        var info = await DbtManifestCheck.CheckFileAsync(TestData.Manifest(file), new DbtManifestCheckOptions { Fingerprint = true });

        Assert.Equal(nodes, info.Nodes);
        Assert.Equal(schema, info.SchemaVersionUrl);
        Assert.False(info.IsNewerThanKnown);
        Assert.Equal(new FileInfo(TestData.Manifest(file)).Length, info.Bytes);
        Assert.Equal(TestData.Xxh64(TestData.Manifest(file)), info.Fingerprint);
    }

    [Theory]
    [InlineData("https://schemas.getdbt.com/dbt/manifest/v12.json", 12)]
    [InlineData("https://schemas.getdbt.com/dbt/manifest/v1.json", 1)]
    [InlineData("https://example.com/mirror/dbt/manifest/v/manifest/v7.json", 7)]
    [InlineData("https://schemas.getdbt.com/dbt/run-results/v6.json", null)]
    [InlineData("https://schemas.getdbt.com/dbt/manifest/v12.jsonx", null)]
    [InlineData("https://schemas.getdbt.com/dbt/manifest/v.json", null)]
    [InlineData("https://schemas.getdbt.com/dbt/manifest/v1a.json", null)]
    [InlineData("https://schemas.getdbt.com/dbt/manifest/v\u0661\u0662.json", null)]
    [InlineData("https://schemas.getdbt.com/dbt/manifest/v99999999999.json", null)]
    [InlineData("/manifest/v.json", null)]
    [InlineData("https://schemas.getdbt.com/dbt/mymanifest/v12.json", null)]
    [InlineData("https://schemas.getdbt.com/dbt/manifest/v+12.json", null)]
    [InlineData("https://schemas.getdbt.com/dbt/manifest/v 12.json", null)]
    [InlineData("https://schemas.getdbt.com/dbt/manifest/v1,2.json", null)]
    [InlineData("https://schemas.getdbt.com/dbt/manifest/v\uFF11\uFF12.json", null)]
    [InlineData("manifest/v12.json", null)]
    [InlineData("", null)]
    public void The_schema_version_is_read_from_the_url_in_ascii_digits_only(string url, int? version)
    {
        Assert.Equal(version, DbtManifestCheck.ManifestSchemaVersion(System.Text.RegularExpressions.Regex.Unescape(url)));
    }

    [Fact]
    public async Task The_fingerprint_computed_beside_the_check_is_the_files_over_many_chunks_and_a_broken_file_still_fails()
    {
        var directory = TestData.TempDirectory("reader-hash");
        var path = Path.Combine(directory, "manifest.json");
        ManifestGenerator.Write(path, 5_300_000);

        var info = await DbtManifestCheck.CheckFileAsync(path, new DbtManifestCheckOptions { Fingerprint = true });

        Assert.Equal(TestData.Xxh64(path), info.Fingerprint);
        Assert.Equal(new FileInfo(path).Length, info.Bytes);

        // Broken in its last chunk, while that chunk's hash may still be running.
        var bytes = File.ReadAllBytes(path);
        bytes[^2] = (byte)',';
        var broken = Path.Combine(directory, "broken.json");
        File.WriteAllBytes(broken, bytes);
        var failure = await Assert.ThrowsAsync<DbtManifestException>(() => DbtManifestCheck.CheckFileAsync(broken, new DbtManifestCheckOptions { Fingerprint = true }));
        Assert.Equal(DbtManifestProblem.InvalidJson, failure.Problem);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Chunk_boundaries_anywhere_give_the_same_result(int chunk)
    {
        var bytes = File.ReadAllBytes(TestData.Manifest("dbt-core-state-v12.manifest.json"));
        var check = new DbtManifestCheck();
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            check.Append(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)));
        }

        var info = check.Complete();

        Assert.Equal((8, 12, "1.11.0a1"), ((int)info.Nodes, info.SchemaVersion, info.DbtVersion));
    }

    [Fact]
    public async Task Merge_conflict_markers_are_invalid_json_with_a_position()
    {
        var error = await Assert.ThrowsAsync<DbtManifestException>(() => DbtManifestCheck.CheckFileAsync(TestData.BrokenManifest));

        Assert.Equal(DbtManifestProblem.InvalidJson, error.Problem);
        Assert.Equal(1, error.Line);
        Assert.Contains("not valid JSON", error.Message);
    }

    [Fact]
    public async Task Metadata_after_the_nodes_is_found_and_a_newer_schema_is_flagged()
    {
        var path = Path.Combine(TestData.TempDirectory("order"), "manifest.json");
        File.WriteAllText(path, """{"nodes": {"model.a.b": {"metadata": {"dbt_schema_version": "decoy"}}}, "metadata": {"env": {"dbt_schema_version": "decoy"}, "dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v13.json"}}""");

        var info = await DbtManifestCheck.CheckFileAsync(path);

        Assert.Equal(13, info.SchemaVersion);
        Assert.True(info.IsNewerThanKnown);
        Assert.Equal(1, info.Nodes);
    }

    [Theory]
    [InlineData("""{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/v1.json"}, "nodes": {}}""", "dbt catalog artifact")]
    [InlineData("""{"nodes": {}}""", "no metadata.dbt_schema_version")]
    [InlineData("""[1, 2, 3]""", "its top level is an array, not an object")]
    [InlineData("""{"metadata": {"dbt_schema_version": 12}}""", "no metadata.dbt_schema_version")]
    public void Json_that_is_not_a_manifest_says_what_it_is(string json, string expected)
    {
        var check = new DbtManifestCheck();
        var error = Assert.Throws<DbtManifestException>(() =>
        {
            check.Append(System.Text.Encoding.UTF8.GetBytes(json));
            check.Complete();
        });

        Assert.Equal(DbtManifestProblem.NotAManifest, error.Problem);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n ")]
    public void An_empty_file_is_empty(string text)
    {
        var check = new DbtManifestCheck();
        check.Append(System.Text.Encoding.UTF8.GetBytes(text));

        var error = Assert.Throws<DbtManifestException>(check.Complete);

        Assert.Equal(DbtManifestProblem.Empty, error.Problem);
        Assert.Equal(text.Length == 0 ? "The file is empty (0 bytes)." : "The file holds only white space.", error.Message);
    }

    [Fact]
    public void A_check_that_ended_refuses_more_bytes_and_a_second_end_even_after_a_failure()
    {
        var failed = new DbtManifestCheck();
        failed.Append("{\"a\": tru}"u8);
        Assert.Throws<DbtManifestException>(failed.Complete);
        var changed = new DbtManifestCheck(new DbtManifestCheckOptions { ExpectedFingerprint = "0000000000000000" });
        changed.Append("{}"u8);
        Assert.Equal(DbtManifestProblem.Changed, Assert.Throws<DbtManifestException>(changed.Complete).Problem);

        foreach (var check in new[] { failed, changed })
        {
            Assert.Equal("The check is already complete.", Assert.Throws<InvalidOperationException>(() => check.Append("{}"u8)).Message);
            Assert.Equal("The check is already complete.", Assert.Throws<InvalidOperationException>(check.Complete).Message);
        }
    }

    [Fact]
    public void A_first_chunk_of_one_byte_then_the_rest_is_read_as_the_whole()
    {
        var bytes = File.ReadAllBytes(TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json"));
        var whole = new DbtManifestCheck();
        whole.Append(bytes);
        var split = new DbtManifestCheck();
        split.Append(bytes.AsSpan(0, 1));
        split.Append(bytes.AsSpan(1));

        Assert.Equal(whole.Complete(), split.Complete());
    }

    [Theory]
    [InlineData("https://example.com/schemas/thing.json", "which names some other file")]
    [InlineData("https://schemas.getdbt.com/dbt/sources/v3.json", "which names a dbt sources artifact")]
    public void Another_schema_is_named_for_what_it_is(string url, string said)
    {
        var check = new DbtManifestCheck();
        check.Append(System.Text.Encoding.UTF8.GetBytes($"{{\"metadata\": {{\"dbt_schema_version\": \"{url}\"}}, \"nodes\": {{}}}}"));

        var error = Assert.Throws<DbtManifestException>(check.Complete);

        Assert.Equal($"The file is JSON but not a dbt manifest: metadata.dbt_schema_version is '{url}', {said}.", error.Message);
    }

    [Fact]
    public void Trailing_content_after_the_object_is_invalid()
    {
        var check = new DbtManifestCheck();
        var error = Assert.Throws<DbtManifestException>(() =>
        {
            check.Append("""{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"}} {}"""u8);
            check.Complete();
        });

        Assert.Equal(DbtManifestProblem.InvalidJson, error.Problem);
    }
}
