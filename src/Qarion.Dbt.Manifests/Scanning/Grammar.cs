using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Qarion.Dbt.Manifests.Scanning;

/// <summary>
/// JSON's grammar as the scanner's stage 2 walks it: the kind of each structural position and the state
/// it leads to. Quotes, colons, commas and (checked) scalars move the state through a table; brackets,
/// which need the depth stack, are handled by the walk itself.
/// </summary>
internal static class Grammar
{
    /// <summary>
    /// What may come next, with the kind of container where it matters (so a comma needs no look at the
    /// stack). The order matters: the value states first (<see cref="State.Start"/>, the document's one
    /// value, last of them), then the key states.
    /// </summary>
    internal enum State : byte { ValueObj, ValueArr, FirstValueArr, Start, FirstKey, Key, Colon, CommaObj, CommaArr, Done, Error }

    // The kinds of structural position, from Classes.
    public const byte Quote = 0, Colon = 1, Comma = 2, Scalar = 3, OpenBrace = 4, OpenBracket = 5, CloseBrace = 6, CloseBracket = 7;

    /// <summary>
    /// The kind of each byte that can start a structural position (<see cref="Scalar"/>, 3, for anything
    /// else). Constant data: the walk reads it without a class-initialisation check or a bounds check.
    /// </summary>
    public static ReadOnlySpan<byte> Classes =>
    [
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0x00
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0x10
        3, 3, 0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 3, 3, 3,  // 0x20
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1, 3, 3, 3, 3, 3,  // 0x30
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0x40
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 5, 3, 7, 3, 3,  // 0x50
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0x60
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 3, 6, 3, 3,  // 0x70
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0x80
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0x90
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0xA0
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0xB0
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0xC0
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0xD0
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0xE0
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0xF0
    ];

    /// <summary>
    /// <see cref="Next"/> packed for the walk, for a quote (or checked scalar), a colon and a comma: four bits
    /// per state. The walk's speed is bound by the chain from one state to the next, and a shift is shorter
    /// than a load that depends on the state. Derived from <see cref="Next"/> (a test recomputes it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong PackedNext(int kind)
    {
        var packed = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetReference(PackedNextBytes), kind << 3));
        return BitConverter.IsLittleEndian ? packed : BinaryPrimitives.ReverseEndianness(packed);
    }

    /// <summary>The three packed rows as little-endian bytes: constant data, read without an allocation or a class-initialisation check.</summary>
    private static ReadOnlySpan<byte> PackedNextBytes =>
    [
        0x87, 0xA8, 0x66, 0xAA, 0xAA, 0x0A, 0x00, 0x00,  // quote or scalar: 0xaaaaa66a887
        0xAA, 0xAA, 0xAA, 0xA0, 0xAA, 0x0A, 0x00, 0x00,  // colon: 0xaaaa0aaaaaa
        0xAA, 0xAA, 0xAA, 0x5A, 0xA1, 0x0A, 0x00, 0x00,  // comma: 0xaa15aaaaaaa
    ];

    /// <summary>The state after a quote (or a checked scalar), a colon or a comma, three entries per state.</summary>
    public static ReadOnlySpan<byte> Next =>
    [
        // quote/scalar                 colon                     comma
        (byte)State.CommaObj,     (byte)State.Error,    (byte)State.Error,     // ValueObj
        (byte)State.CommaArr,     (byte)State.Error,    (byte)State.Error,     // ValueArr
        (byte)State.CommaArr,     (byte)State.Error,    (byte)State.Error,     // FirstValueArr
        (byte)State.Error,        (byte)State.Error,    (byte)State.Error,     // Start (the top level is an object)
        (byte)State.Colon,        (byte)State.Error,    (byte)State.Error,     // FirstKey
        (byte)State.Colon,        (byte)State.Error,    (byte)State.Error,     // Key
        (byte)State.Error,        (byte)State.ValueObj, (byte)State.Error,     // Colon
        (byte)State.Error,        (byte)State.Error,    (byte)State.Key,       // CommaObj
        (byte)State.Error,        (byte)State.Error,    (byte)State.ValueArr,  // CommaArr
        (byte)State.Error,        (byte)State.Error,    (byte)State.Error,     // Done
        (byte)State.Error,        (byte)State.Error,    (byte)State.Error,     // Error
    ];
}
