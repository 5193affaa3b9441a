using System.Text;
using Qarion.Testing;

namespace Qarion.Dbt.Manifests.Tests;

/// <summary>
/// A refused file explained: the JSON reader's words, and the place in the whole file (line, byte, column),
/// the same wherever the file's chunks, a byte-order mark or a token longer than a chunk fall.
/// </summary>
public sealed class ExplainerTests
{
    private const string Broken = "{\"a\": 1,\n  \"b\": tru}";

    private static string Write(byte[] bytes)
    {
        var path = Path.Combine(TestData.TempDirectory("explain"), "manifest.json");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static async Task<DbtManifestException> RefusedAsync(byte[] bytes) =>
        await Assert.ThrowsAsync<DbtManifestException>(() => DbtManifestCheck.CheckFileAsync(Write(bytes)));

    private static int Lines(string text) => text.Count(c => c == '\n') + 1;

    [Fact]
    public async Task A_broken_token_is_named_with_its_line_byte_and_column()
    {
        var error = await RefusedAsync(Encoding.UTF8.GetBytes(Broken));

        Assert.Equal(DbtManifestProblem.InvalidJson, error.Problem);
        Assert.Equal((2L, (long)Broken.IndexOf("tru", StringComparison.Ordinal), 8L), (error.Line, error.BytePosition, error.Column));
        Assert.StartsWith("The file is not valid JSON: ", error.Message);
        Assert.EndsWith($" (line 2, byte {error.BytePosition}).", error.Message);
        // The reader's own position (within one chunk) is cut from its words: the file's is given instead.
        Assert.DoesNotContain("LineNumber", error.Message);
        Assert.Contains("tru", error.Message);
    }

    [Fact]
    public async Task A_missing_comma_is_placed_at_the_token_found_instead_in_line_byte_and_column_alike()
    {
        const string text = "{\"a\": 1\n\n  \"b\": 2}";

        var error = await RefusedAsync(Encoding.UTF8.GetBytes(text));

        // Line, byte and column name one place: the "b" found where a comma or the end was expected.
        Assert.Equal((3L, (long)text.IndexOf("\"b\"", StringComparison.Ordinal), 3L), (error.Line, error.BytePosition, error.Column));
    }

    [Fact]
    public async Task A_byte_order_mark_counts_in_the_byte_and_not_in_the_line_or_column()
    {
        var plain = await RefusedAsync(Encoding.UTF8.GetBytes(Broken));
        var marked = await RefusedAsync([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Broken)]);

        Assert.Equal((plain.Line, plain.BytePosition + 3, plain.Column), (marked.Line, marked.BytePosition, marked.Column));
        Assert.Equal(plain.Message.Replace($"byte {plain.BytePosition}", $"byte {plain.BytePosition + 3}", StringComparison.Ordinal), marked.Message);
        var onFirstLine = await RefusedAsync([0xEF, 0xBB, 0xBF, .. "{\"a\": tru}"u8]);
        Assert.Equal((1L, 9L, 7L), (onFirstLine.Line, onFirstLine.BytePosition, onFirstLine.Column));
    }

    [Fact]
    public void A_file_that_is_only_a_byte_order_mark_is_empty()
    {
        var found = new DbtManifestException(DbtManifestProblem.InvalidJson, "found by the scanner");

        Assert.Equal(DbtManifestProblem.Empty, ManifestExplainer.Explain(Write([0xEF, 0xBB, 0xBF]), found).Problem);
        Assert.Equal(DbtManifestProblem.Empty, ManifestExplainer.Explain(Write([0xEF, 0xBB, 0xBF, 0x20, 0x0A]), found).Problem);
    }

    [Theory]
    [InlineData(3 * 1024 * 1024, false)]
    [InlineData(3 * 1024 * 1024, true)]
    [InlineData(1024 * 1024 - 7, false)]
    public async Task An_error_past_the_first_chunk_after_a_token_longer_than_a_chunk_is_placed_in_the_whole_file(int padding, bool bom)
    {
        var plain = await RefusedAsync(Encoding.UTF8.GetBytes(Broken));
        var text = "{\"pad\": \"" + new string('x', padding) + "\",\n\"n\": [1,\n2],\n" + Broken[1..];
        var bytes = Encoding.UTF8.GetBytes(text);

        var error = await RefusedAsync(bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes);

        var expected = text.LastIndexOf("tru", StringComparison.Ordinal) + (bom ? 3 : 0);
        Assert.Equal(((long)Lines(text), (long)expected, plain.Column), (error.Line, error.BytePosition, error.Column));
        Assert.EndsWith($" (line {Lines(text)}, byte {expected}).", error.Message);
    }

    [Theory]
    [InlineData("{\"a\": 1, \"b\": [1, 2,   ")]
    [InlineData("{\"a\": 1, \"b\": [1, 2,   \n\n")]
    [InlineData("{\"a\": \"unfinished")]
    [InlineData("{\"a\": [1, 2]   \n")]
    public async Task A_file_that_ends_inside_the_document_is_said_to_be_truncated(string text)
    {
        var error = await RefusedAsync(Encoding.UTF8.GetBytes(text));

        Assert.Equal(DbtManifestProblem.InvalidJson, error.Problem);
        Assert.StartsWith("The file is not valid JSON: the file ends before the JSON does (truncated?) (line ", error.Message);
    }

    [Fact]
    public async Task A_file_truncated_past_its_first_chunk_is_said_to_be_truncated()
    {
        var text = "{\"pad\": \"" + new string('x', 2 * 1024 * 1024) + "\", \"b\": [1, 2, ";

        var error = await RefusedAsync(Encoding.UTF8.GetBytes(text));

        Assert.StartsWith("The file is not valid JSON: the file ends before the JSON does (truncated?) (line 1, byte ", error.Message);
    }

    [Fact]
    public async Task Nesting_deeper_than_the_readers_default_is_no_error_of_its_own()
    {
        var text = "{\"meta\": " + new string('[', 200) + new string(']', 200) + ",\n  \"b\": tru}";

        var error = await RefusedAsync(Encoding.UTF8.GetBytes(text));

        Assert.Equal((2L, (long)text.IndexOf("tru", StringComparison.Ordinal)), (error.Line, error.BytePosition));
        Assert.DoesNotContain("depth", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_comment_is_not_json()
    {
        var text = "{\"a\": 1, // dbt never writes one\n \"b\": 2}";

        var error = await RefusedAsync(Encoding.UTF8.GetBytes(text));

        Assert.Equal((1L, (long)text.IndexOf("//", StringComparison.Ordinal)), (error.Line, error.BytePosition));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n\t ")]
    public void A_file_that_became_empty_since_the_check_is_explained_as_empty(string text)
    {
        var found = new DbtManifestException(DbtManifestProblem.InvalidJson, "found by the scanner");

        var explained = ManifestExplainer.Explain(Write(Encoding.UTF8.GetBytes(text)), found);

        Assert.Equal(DbtManifestProblem.Empty, explained.Problem);
    }

    [Fact]
    public void A_file_that_reads_well_now_or_is_gone_keeps_what_the_scanner_found()
    {
        var found = new DbtManifestException(DbtManifestProblem.InvalidJson, "found by the scanner");
        var good = Write(Encoding.UTF8.GetBytes("{\"a\": [1, 2]}"));
        var gone = Path.Combine(TestData.TempDirectory("explain"), "gone.json");

        Assert.Same(found, ManifestExplainer.Explain(good, found));
        Assert.Same(found, ManifestExplainer.Explain(gone, found));
    }

    [Theory]
    [InlineData("\"text\"", "a string")]
    [InlineData("42", "a number")]
    [InlineData("true", "a boolean")]
    [InlineData("null", "null")]
    [InlineData("[1]", "an array")]
    public void A_top_level_that_is_not_an_object_is_named(string text, string said)
    {
        var found = new DbtManifestException(DbtManifestProblem.InvalidJson, "found by the scanner");

        var explained = ManifestExplainer.Explain(Write(Encoding.UTF8.GetBytes(text + " x")), found);

        Assert.Equal(DbtManifestProblem.NotAManifest, explained.Problem);
        Assert.Contains(said, explained.Message);
    }
}
