using System.IO.Hashing;
using Qarion.Dbt.Manifests;
using Xunit;

namespace Qarion.Dbt.Manifests.Tests;

/// <summary>The manifest's fingerprint is XXH64 exactly: held to System.IO.Hashing's implementation.</summary>
public class Xxh64Tests
{
    [Fact]
    public void Every_length_up_to_a_few_stripes_hashes_as_the_reference_does()
    {
        var random = new Random(11);
        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            var ours = new Xxh64();
            ours.Append(data);
            Assert.Equal(XxHash64.HashToUInt64(data), ours.Finish());
        }
    }

    [Fact]
    public void Any_chunking_gives_the_same_hash_as_the_whole()
    {
        var random = new Random(12);
        var data = new byte[3 * 1024 * 1024 + 17];
        random.NextBytes(data);
        var expected = XxHash64.HashToUInt64(data);
        foreach (var chunk in new[] { 1, 3, 31, 32, 33, 4096, 65_537, 1024 * 1024 })
        {
            var ours = new Xxh64();
            for (var at = 0; at < data.Length; at += chunk)
            {
                ours.Append(data.AsSpan(at, Math.Min(chunk, data.Length - at)));
            }

            Assert.Equal(expected, ours.Finish());
        }

        // Chunks of random sizes, empty ones included.
        var mixed = new Xxh64();
        for (var at = 0; at < data.Length;)
        {
            var size = Math.Min(random.Next(0, 100), data.Length - at);
            mixed.Append(data.AsSpan(at, size));
            at += size;
        }

        Assert.Equal(expected, mixed.Finish());
    }

    [Fact]
    public void The_hex_form_is_sixteen_lower_case_digits_of_the_hash()
    {
        var data = "{\"metadata\": {}}"u8.ToArray();
        var ours = new Xxh64();
        ours.Append(data);
        Assert.Equal(Convert.ToHexStringLower(XxHash64.Hash(data)), ours.FinishHex());
    }
}
