using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Qarion.Dbt.Manifests;

/// <summary>
/// XXH64 (xxHash, 64-bit, seed 0), fed chunk by chunk. System.IO.Hashing has it too, but a build hashes
/// once per process, so that package's code ran unoptimized (tier 0) and was measured slower than
/// SHA-256 there; this copy is compiled fully optimized on first use. The tests hold it to
/// System.IO.Hashing's result bit for bit.
/// </summary>
internal sealed class Xxh64
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63UL;
    private const ulong Prime5 = 0x27D4EB2F165667C5UL;
    private const int Stripe = 32;

    private readonly byte[] _pending = new byte[Stripe];
    private int _pendingLength;
    private long _length;
    private ulong _v1 = unchecked(Prime1 + Prime2);
    private ulong _v2 = Prime2;
    private ulong _v3;
    private ulong _v4 = unchecked(0 - Prime1);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Append(ReadOnlySpan<byte> data)
    {
        _length += data.Length;
        if (_pendingLength > 0)
        {
            var take = Math.Min(Stripe - _pendingLength, data.Length);
            data[..take].CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += take;
            data = data[take..];
            if (_pendingLength < Stripe)
            {
                return;
            }

            Stripes(_pending);
            _pendingLength = 0;
        }

        var whole = data.Length & ~(Stripe - 1);
        if (whole > 0)
        {
            Stripes(data[..whole]);
        }

        data[whole..].CopyTo(_pending);
        _pendingLength = data.Length - whole;
    }

    /// <summary>The hash of everything appended so far.</summary>
    public ulong Finish()
    {
        ulong hash;
        if (_length >= Stripe)
        {
            hash = BitOperations.RotateLeft(_v1, 1) + BitOperations.RotateLeft(_v2, 7) + BitOperations.RotateLeft(_v3, 12) + BitOperations.RotateLeft(_v4, 18);
            hash = Merge(hash, _v1);
            hash = Merge(hash, _v2);
            hash = Merge(hash, _v3);
            hash = Merge(hash, _v4);
        }
        else
        {
            hash = Prime5;
        }

        hash += (ulong)_length;
        var rest = _pending.AsSpan(0, _pendingLength);
        for (; rest.Length >= 8; rest = rest[8..])
        {
            hash ^= Round(0, BinaryPrimitives.ReadUInt64LittleEndian(rest));
            hash = BitOperations.RotateLeft(hash, 27) * Prime1 + Prime4;
        }

        if (rest.Length >= 4)
        {
            hash ^= BinaryPrimitives.ReadUInt32LittleEndian(rest) * Prime1;
            hash = BitOperations.RotateLeft(hash, 23) * Prime2 + Prime3;
            rest = rest[4..];
        }

        foreach (var b in rest)
        {
            hash ^= b * Prime5;
            hash = BitOperations.RotateLeft(hash, 11) * Prime1;
        }

        hash ^= hash >> 33;
        hash *= Prime2;
        hash ^= hash >> 29;
        hash *= Prime3;
        hash ^= hash >> 32;
        return hash;
    }

    /// <summary>Lower-case hex of <see cref="Finish"/>, as the stamp records it.</summary>
    public string FinishHex() => Finish().ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whole 32-byte stripes, four lanes of 8 bytes each; the lanes stay in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Stripes(ReadOnlySpan<byte> data)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        ulong v1 = _v1, v2 = _v2, v3 = _v3, v4 = _v4;
        for (var i = 0; i + 3 < words.Length; i += 4)
        {
            v1 = Round(v1, LittleEndian(words[i]));
            v2 = Round(v2, LittleEndian(words[i + 1]));
            v3 = Round(v3, LittleEndian(words[i + 2]));
            v4 = Round(v4, LittleEndian(words[i + 3]));
        }

        (_v1, _v2, _v3, _v4) = (v1, v2, v3, v4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong LittleEndian(ulong word) => BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Round(ulong accumulator, ulong input) =>
        BitOperations.RotateLeft(accumulator + input * Prime2, 31) * Prime1;

    private static ulong Merge(ulong hash, ulong lane) => (hash ^ Round(0, lane)) * Prime1 + Prime4;
}
