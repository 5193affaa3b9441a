using System.Buffers;

namespace Qarion.Dbt.Manifests;

/// <summary>
/// A manifest's fingerprint: XXH64 (seed 0) of its bytes as 16 lower-case hex digits, the same value
/// <see cref="DbtManifestInfo.Fingerprint"/> gives. It tells whether the bytes changed, at a small
/// fraction of SHA-256's CPU; it does not stand against a forged file, and need not: whoever can write
/// the manifest can write anything into it before it is checked.
/// </summary>
public static class DbtManifestFingerprint
{
    /// <summary>The fingerprint of bytes in memory.</summary>
    public static string Of(ReadOnlySpan<byte> bytes)
    {
        var hash = new Xxh64();
        hash.Append(bytes);
        return hash.FinishHex();
    }

    /// <summary>The fingerprint of a whole file, read in large chunks.</summary>
    public static async Task<string> OfFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var hash = new Xxh64();
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.Append(buffer.AsSpan(0, read));
            }

            return hash.FinishHex();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
