using System.Text;

namespace Qarion.Dbt.Manifests.Tests;

/// <summary>What the scanner says of bytes it refuses when there is no file to explain them from: what is wrong, and the byte where it is (the first wrong byte, not the token's start).</summary>
public sealed class ScannerWordsTests
{
    [Theory]
    [InlineData("{\"a\": }", "a value expected", 6)]
    [InlineData("{\"a\": [1, ]}", "a value expected", 10)]
    [InlineData("{\"a\": [}", "a value expected", 7)]
    [InlineData("{,}", "a property name expected", 1)]
    [InlineData("{\"a\": 1, }", "a property name expected", 9)]
    [InlineData("{\"a\" 1}", "':' expected after a property name", 5)]
    [InlineData("{\"a\": 1 \"b\": 2}", "',' or the end of the container expected", 8)]
    [InlineData("{\"a\": [1 2]}", "',' or the end of the container expected", 9)]
    [InlineData("{} x", "content after the end of the JSON", 3)]
    [InlineData("{\"a\": tru}", "an invalid number or literal", 9)]
    [InlineData("{\"a\": nulL}", "an invalid number or literal", 9)]
    [InlineData("{\"a\": 01}", "an invalid number or literal", 7)]
    [InlineData("{\"a\": 1.e5}", "an invalid number or literal", 8)]
    [InlineData("{\"a\": \"\\q\"}", "an invalid escape", 8)]
    [InlineData("{\"a\": \"\\u12G4\"}", "an invalid \\u escape", 11)]
    [InlineData("{\"a\": \"\\u12\"}", "an invalid \\u escape", 11)]
    [InlineData("{\"a\": \"tab\there\"}", "a control character inside a string", 10)]
    public void Each_refusal_says_what_was_expected_and_where(string json, string what, long at)
    {
        var check = new DbtManifestCheck();

        var error = Assert.Throws<DbtManifestException>(() =>
        {
            check.Append(Encoding.UTF8.GetBytes(json));
            check.Complete();
        });

        Assert.Equal(DbtManifestProblem.InvalidJson, error.Problem);
        Assert.Equal($"The file is not valid JSON: {what} (byte {at}).", error.Message);
        Assert.Equal(at, error.BytePosition);
    }
}
