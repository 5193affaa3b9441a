using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qarion.Dbt.Manifests.Scanning;

/// <summary>Which instructions classify a block; every kind gives the same masks (tests run each).</summary>
internal enum ClassifierKind : byte { Best, Vector512, Vector256, Vector128, Scalar }

/// <summary>
/// Stage 1 of the scanner, the part that touches every byte: one 64-byte block in, one bit per byte out
/// for each class the grammar cares about. It does not know about strings; <see cref="StringMasks"/>
/// turns the quote and backslash bits into the in-string mask.
/// </summary>
internal static class BlockClassifier
{
    public const int BlockSize = 64;

    /// <summary>The widest vectors this machine runs in hardware, or the byte loop.</summary>
    public static ClassifierKind Resolve(ClassifierKind kind)
    {
        if (kind != ClassifierKind.Best)
        {
            return kind;
        }

        // 512-bit vectors only where they are native; elsewhere the runtime would emulate them with narrower ones.
        return Vector512.IsHardwareAccelerated ? ClassifierKind.Vector512
            : Vector256.IsHardwareAccelerated ? ClassifierKind.Vector256
            : Vector128.IsHardwareAccelerated ? ClassifierKind.Vector128
            : ClassifierKind.Scalar;
    }

    /// <summary>Classifies the 64 bytes at <paramref name="block"/> (the scanner picks its classifier once, as a type).</summary>
    public static BlockMasks Classify(ClassifierKind kind, ref byte block) => Resolve(kind) switch
    {
        ClassifierKind.Vector512 => Classify512(ref block),
        ClassifierKind.Vector256 => Classify256(ref block),
        ClassifierKind.Vector128 => Classify128(ref block),
        _ => ClassifyScalar(ref block),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BlockMasks Classify512(ref byte block)
    {
        var v = Vector512.LoadUnsafe(ref block);
        var folded = v | Vector512.Create((byte)0x20);
        return new BlockMasks(
            Quote: Vector512.Equals(v, Vector512.Create((byte)'"')).ExtractMostSignificantBits(),
            Backslash: Vector512.Equals(v, Vector512.Create((byte)'\\')).ExtractMostSignificantBits(),
            Operator: (Vector512.Equals(folded, Vector512.Create((byte)'{'))
                | Vector512.Equals(folded, Vector512.Create((byte)'}'))
                | Vector512.Equals(v, Vector512.Create((byte)':'))
                | Vector512.Equals(v, Vector512.Create((byte)','))).ExtractMostSignificantBits(),
            Whitespace: (Vector512.Equals(v, Vector512.Create((byte)' '))
                | Vector512.Equals(v, Vector512.Create((byte)'\n'))
                | Vector512.Equals(v, Vector512.Create((byte)'\r'))
                | Vector512.Equals(v, Vector512.Create((byte)'\t'))).ExtractMostSignificantBits(),
            Control: Vector512.Equals(v & Vector512.Create((byte)0xE0), Vector512<byte>.Zero).ExtractMostSignificantBits());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BlockMasks Classify256(ref byte block)
    {
        var lo = Half256(Vector256.LoadUnsafe(ref block));
        var hi = Half256(Vector256.LoadUnsafe(ref block, 32));
        return new BlockMasks(
            Join(lo.Quote, hi.Quote), Join(lo.Backslash, hi.Backslash), Join(lo.Operator, hi.Operator),
            Join(lo.Whitespace, hi.Whitespace), Join(lo.Control, hi.Control));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (uint Quote, uint Backslash, uint Operator, uint Whitespace, uint Control) Half256(Vector256<byte> v)
    {
        // '[' and ']' differ from '{' and '}' only in bit 5: setting it folds four brackets into two compares.
        var folded = v | Vector256.Create((byte)0x20);
        return (
            Vector256.Equals(v, Vector256.Create((byte)'"')).ExtractMostSignificantBits(),
            Vector256.Equals(v, Vector256.Create((byte)'\\')).ExtractMostSignificantBits(),
            (Vector256.Equals(folded, Vector256.Create((byte)'{'))
                | Vector256.Equals(folded, Vector256.Create((byte)'}'))
                | Vector256.Equals(v, Vector256.Create((byte)':'))
                | Vector256.Equals(v, Vector256.Create((byte)','))).ExtractMostSignificantBits(),
            (Vector256.Equals(v, Vector256.Create((byte)' '))
                | Vector256.Equals(v, Vector256.Create((byte)'\n'))
                | Vector256.Equals(v, Vector256.Create((byte)'\r'))
                | Vector256.Equals(v, Vector256.Create((byte)'\t'))).ExtractMostSignificantBits(),
            Vector256.Equals(v & Vector256.Create((byte)0xE0), Vector256<byte>.Zero).ExtractMostSignificantBits());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BlockMasks Classify128(ref byte block)
    {
        ulong quote = 0, backslash = 0, op = 0, whitespace = 0, control = 0;
        for (var part = 0; part < 4; part++)
        {
            var v = Vector128.LoadUnsafe(ref block, (nuint)(part * 16));
            var folded = v | Vector128.Create((byte)0x20);
            var shift = part * 16;
            quote |= (ulong)Vector128.Equals(v, Vector128.Create((byte)'"')).ExtractMostSignificantBits() << shift;
            backslash |= (ulong)Vector128.Equals(v, Vector128.Create((byte)'\\')).ExtractMostSignificantBits() << shift;
            op |= (ulong)(Vector128.Equals(folded, Vector128.Create((byte)'{'))
                | Vector128.Equals(folded, Vector128.Create((byte)'}'))
                | Vector128.Equals(v, Vector128.Create((byte)':'))
                | Vector128.Equals(v, Vector128.Create((byte)','))).ExtractMostSignificantBits() << shift;
            whitespace |= (ulong)(Vector128.Equals(v, Vector128.Create((byte)' '))
                | Vector128.Equals(v, Vector128.Create((byte)'\n'))
                | Vector128.Equals(v, Vector128.Create((byte)'\r'))
                | Vector128.Equals(v, Vector128.Create((byte)'\t'))).ExtractMostSignificantBits() << shift;
            control |= (ulong)Vector128.Equals(v & Vector128.Create((byte)0xE0), Vector128<byte>.Zero).ExtractMostSignificantBits() << shift;
        }

        return new BlockMasks(quote, backslash, op, whitespace, control);
    }

    /// <summary>The fallback without vectors: a table lookup per byte, the same masks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BlockMasks ClassifyScalar(ref byte block)
    {
        ulong quote = 0, backslash = 0, op = 0, whitespace = 0, control = 0;
        for (var i = 0; i < BlockSize; i++)
        {
            var c = Unsafe.Add(ref block, i);
            var bit = 1UL << i;
            switch (c)
            {
                case (byte)'"': quote |= bit; break;
                case (byte)'\\': backslash |= bit; break;
                case (byte)'{' or (byte)'}' or (byte)'[' or (byte)']' or (byte)':' or (byte)',': op |= bit; break;
                case (byte)' ': whitespace |= bit; break;
                case (byte)'\n' or (byte)'\r' or (byte)'\t': whitespace |= bit; control |= bit; break;
                case < 0x20: control |= bit; break;
            }
        }

        return new BlockMasks(quote, backslash, op, whitespace, control);
    }

    private static ulong Join(uint low, uint high) => low | ((ulong)high << 32);
}

/// <summary>One bit per byte of a block, bit 0 for its first byte.</summary>
/// <param name="Quote">'"'.</param>
/// <param name="Backslash">'\'.</param>
/// <param name="Operator">The structural characters <c>{ } [ ] : ,</c>.</param>
/// <param name="Whitespace">JSON's white space: space, tab, line feed, carriage return.</param>
/// <param name="Control">Bytes below 0x20 (tab, line feed and carriage return included).</param>
internal readonly record struct BlockMasks(ulong Quote, ulong Backslash, ulong Operator, ulong Whitespace, ulong Control);

/// <summary>
/// One way of classifying a block, as a type: the scanner's block loop is generic over it, so each kind
/// gets its own compiled loop with the classifier inlined and its masks kept in registers.
/// </summary>
internal interface IBlockClassifier
{
    static abstract BlockMasks Classify(ref byte block);
}

internal readonly struct Vector512Classifier : IBlockClassifier
{
    public static BlockMasks Classify(ref byte block) => BlockClassifier.Classify512(ref block);
}

internal readonly struct Vector256Classifier : IBlockClassifier
{
    public static BlockMasks Classify(ref byte block) => BlockClassifier.Classify256(ref block);
}

internal readonly struct Vector128Classifier : IBlockClassifier
{
    public static BlockMasks Classify(ref byte block) => BlockClassifier.Classify128(ref block);
}

internal readonly struct ScalarClassifier : IBlockClassifier
{
    public static BlockMasks Classify(ref byte block) => BlockClassifier.ClassifyScalar(ref block);
}
