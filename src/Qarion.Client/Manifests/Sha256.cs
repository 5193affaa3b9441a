using System.Security.Cryptography;

namespace Qarion.Client.Manifests;

/// <summary>SHA-256 as the lower-case hex that results and the local server use.</summary>
internal static class Sha256
{
    public static string Hex(IncrementalHash hash) => Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();

    public static string Hex(ReadOnlySpan<byte> hash) => Convert.ToHexString(hash).ToLowerInvariant();
}
