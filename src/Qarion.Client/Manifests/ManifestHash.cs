using System.Buffers;
using System.Security.Cryptography;

namespace Qarion.Client.Manifests;

/// <summary>Which hash of a manifest's bytes is taken while they pass.</summary>
internal enum ManifestHashKind
{
    None,

    /// <summary>SHA-256, what the public API offers (<see cref="DbtManifestInfo.Sha256"/>): comparable with <c>sha256sum</c>.</summary>
    Sha256,

    /// <summary>
    /// XXH64, to tell whether the bytes changed: Qarion.Build's stamp, and its proof that the checked bytes
    /// are the sent bytes. SHA-256 cost as much CPU as the check itself on a large manifest; XXH64 costs
    /// a small fraction. It does not stand against a forged file, and need not: whoever can write the
    /// manifest can write anything into it before it is checked.
    /// </summary>
    Xxh64,
}

/// <summary>One hash over a manifest's bytes, chunk by chunk, ending as the lower-case hex that stamps and results use.</summary>
internal sealed class ManifestHash : IDisposable
{
    private readonly IncrementalHash? _sha256;
    private readonly Xxh64? _xxh64;

    private ManifestHash(ManifestHashKind kind)
    {
        Kind = kind;
        if (kind == ManifestHashKind.Sha256)
        {
            _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }
        else
        {
            _xxh64 = new Xxh64();
        }
    }

    public ManifestHashKind Kind { get; }

    /// <summary>The hash's name as messages give it.</summary>
    public string Name => Kind == ManifestHashKind.Sha256 ? "SHA-256" : "XXH64";

    /// <summary>A hash of the kind, or null for <see cref="ManifestHashKind.None"/>.</summary>
    public static ManifestHash? Create(ManifestHashKind kind) => kind == ManifestHashKind.None ? null : new ManifestHash(kind);

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_sha256 is not null)
        {
            _sha256.AppendData(data);
        }
        else
        {
            _xxh64!.Append(data);
        }
    }

    /// <summary>The hash of everything appended, as lower-case hex.</summary>
    public string Finish() => _sha256 is not null ? Sha256.Hex(_sha256) : _xxh64!.FinishHex();

    /// <summary>A whole file's hash, read in large chunks.</summary>
    public static async Task<string> OfFileAsync(string path, ManifestHashKind kind, CancellationToken cancellationToken)
    {
        using var hash = Create(kind) ?? throw new ArgumentOutOfRangeException(nameof(kind));
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.Append(buffer.AsSpan(0, read));
            }

            return hash.Finish();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose() => _sha256?.Dispose();
}
