using System.Diagnostics;
using System.Text;
using Qarion.Testing;

namespace Qarion.Dbt.Manifests.Tests;

/// <summary>The check's public surface besides deciding: fingerprints, an expected one, explaining from a file, and what it refuses to read.</summary>
public sealed class CheckOptionsTests
{
    private static readonly byte[] Jaffle = File.ReadAllBytes(TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json"));

    private static DbtManifestInfo Check(byte[] bytes, DbtManifestCheckOptions? options, int chunk = 100_000)
    {
        var check = new DbtManifestCheck(options);
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            check.Append(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)));
        }

        Assert.Equal(bytes.Length, check.BytesRead);
        return check.Complete();
    }

    [Fact]
    public async Task The_fingerprint_is_XXH64_of_the_bytes_whichever_way_it_is_taken_and_only_when_asked()
    {
        var path = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");
        var expected = TestData.Xxh64(path);

        Assert.Equal(expected, Check(Jaffle, new DbtManifestCheckOptions { Fingerprint = true }).Fingerprint);
        Assert.Equal(expected, (await DbtManifestCheck.CheckFileAsync(path, new DbtManifestCheckOptions { Fingerprint = true })).Fingerprint);
        Assert.Equal(expected, await DbtManifestFingerprint.OfFileAsync(path));
        Assert.Equal(expected, DbtManifestFingerprint.Of(Jaffle));
        Assert.Null(Check(Jaffle, null).Fingerprint);
        Assert.Null((await DbtManifestCheck.CheckFileAsync(path)).Fingerprint);
    }

    [Fact]
    public async Task Bytes_with_another_fingerprint_than_expected_are_refused_as_changed_and_the_same_ones_pass()
    {
        var path = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");
        var right = TestData.Xxh64(path);
        var wrong = right[..^1] + (right[^1] == '0' ? '1' : '0');

        Assert.Equal(right, Check(Jaffle, new DbtManifestCheckOptions { ExpectedFingerprint = right.ToUpperInvariant() }).Fingerprint);
        var inMemory = Assert.Throws<DbtManifestException>(() => Check(Jaffle, new DbtManifestCheckOptions { ExpectedFingerprint = wrong }));
        var fromFile = await Assert.ThrowsAsync<DbtManifestException>(() => DbtManifestCheck.CheckFileAsync(path, new DbtManifestCheckOptions { ExpectedFingerprint = wrong }));

        foreach (var error in new[] { inMemory, fromFile })
        {
            Assert.Equal(DbtManifestProblem.Changed, error.Problem);
            Assert.Equal($"The bytes have another fingerprint than those checked before (XXH64 {right}, not {wrong}, over {Jaffle.Length:N0} bytes): the file changed in between.", error.Message);
        }
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("utf-16")]
    [InlineData("empty")]
    [InlineData("run_results")]
    public void Bytes_that_must_match_earlier_ones_are_said_to_have_changed_rather_than_to_be_broken(string now)
    {
        // Checked before as the good manifest; by the time it is sent, something rewrote it.
        var before = DbtManifestFingerprint.Of(Jaffle);
        var bytes = now switch
        {
            "garbage" => Enumerable.Range(0, Jaffle.Length).Select(i => (byte)(i * 7919 % 251)).ToArray(),
            "utf-16" => Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(Jaffle)),
            "empty" => [],
            _ => File.ReadAllBytes(BadFiles.Make("run_results")),
        };

        var error = Assert.Throws<DbtManifestException>(() => Check(bytes, new DbtManifestCheckOptions { ExpectedFingerprint = before }));

        Assert.Equal(DbtManifestProblem.Changed, error.Problem);
        // The same bytes without the expectation: refused for what they are.
        Assert.NotEqual(DbtManifestProblem.Changed, Assert.Throws<DbtManifestException>(() => Check(bytes, null)).Problem);
    }

    [Fact]
    public void A_broken_file_is_explained_from_its_file_when_the_check_knows_it_and_located_by_byte_when_not()
    {
        var bytes = File.ReadAllBytes(TestData.BrokenManifest);

        var bare = Assert.Throws<DbtManifestException>(() => Check(bytes, null));
        var explained = Assert.Throws<DbtManifestException>(() => Check(bytes, new DbtManifestCheckOptions { ExplainFrom = TestData.BrokenManifest }));

        Assert.Equal((DbtManifestProblem.InvalidJson, 0L, (long?)null), (bare.Problem, bare.BytePosition, bare.Line));
        Assert.StartsWith("The file is not valid JSON: ", bare.Message);
        Assert.EndsWith("(byte 0).", bare.Message);
        Assert.Equal((DbtManifestProblem.InvalidJson, 1L, 1L, 0L), (explained.Problem, explained.Line, explained.Column, explained.BytePosition));
        Assert.Equal("The file is not valid JSON: '<' is an invalid start of a value (line 1, byte 0).", explained.Message);
    }

    [Fact]
    public void An_explanation_from_a_file_that_now_reads_well_keeps_what_the_scanner_found()
    {
        // The chunks are broken; the file named to explain them is fine (it changed since): the scanner's finding stands.
        var broken = Encoding.UTF8.GetBytes("""{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"}, "nodes": {"a": [1,,2]}}""");

        var error = Assert.Throws<DbtManifestException>(() => Check(broken, new DbtManifestCheckOptions { ExplainFrom = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json") }));

        Assert.Equal(DbtManifestProblem.InvalidJson, error.Problem);
        Assert.Null(error.Line);
        Assert.Equal(broken.AsSpan().IndexOf(",,"u8) + 1, error.BytePosition);
    }

    [Fact]
    public void A_check_is_used_once()
    {
        var check = new DbtManifestCheck();
        check.Append(Jaffle);
        check.Complete();

        Assert.Throws<InvalidOperationException>(() => check.Append(Jaffle));
        Assert.Throws<InvalidOperationException>(check.Complete);
    }

    [Fact]
    public async Task A_directory_a_fifo_and_nothing_are_refused_before_a_byte_is_read_each_for_what_it_is()
    {
        var directory = TestData.TempDirectory("not-a-file");
        var fifo = Path.Combine(directory, "manifest.json");
        using (var mkfifo = Process.Start("mkfifo", [fifo])!)
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var isDirectory = await Assert.ThrowsAsync<DbtManifestException>(() => DbtManifestCheck.CheckFileAsync(directory));
        var isFifo = await Assert.ThrowsAsync<DbtManifestException>(() => DbtManifestCheck.CheckFileAsync(fifo));
        var missing = await Assert.ThrowsAsync<FileNotFoundException>(() => DbtManifestCheck.CheckFileAsync(Path.Combine(directory, "target", "manifest.json")));

        Assert.Equal(DbtManifestProblem.Unreadable, isDirectory.Problem);
        Assert.Contains("it is a directory, not a file", isDirectory.Message);
        Assert.Equal(DbtManifestProblem.Unreadable, isFifo.Problem);
        Assert.Contains("it is a FIFO (named pipe), not a regular file", isFifo.Message);
        Assert.Equal(Path.Combine(directory, "target", "manifest.json"), missing.FileName);
        Assert.Contains("dbt parse", missing.Message);
    }

    [Fact]
    public void A_manifest_file_is_seen_through_its_link_with_the_real_files_size_and_time()
    {
        var directory = TestData.TempDirectory("link");
        var real = Path.Combine(directory, "real.json");
        File.WriteAllBytes(real, Jaffle);
        var link = Path.Combine(directory, "manifest.json");
        File.CreateSymbolicLink(link, real);

        var file = DbtManifestFile.Find(link);

        Assert.Equal((link, (long)Jaffle.Length, File.GetLastWriteTimeUtc(real)), (file.FullPath, file.Length, file.LastWriteUtc));
    }
}
