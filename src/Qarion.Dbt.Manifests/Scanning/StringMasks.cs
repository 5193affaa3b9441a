using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qarion.Dbt.Manifests.Scanning;

/// <summary>
/// Which bytes of a block are escaped and which lie inside strings, from its quote and backslash bits,
/// carrying both across blocks. Branch-free bit arithmetic after simdjson (Langdale and Lemire, "Parsing
/// gigabytes of JSON per second", 2019): a quote opens or closes a string unless an odd run of
/// backslashes precedes it, so the in-string mask is the prefix XOR of the unescaped quotes.
/// </summary>
internal struct StringMasks
{
    private const ulong OddBits = 0xAAAA_AAAA_AAAA_AAAA;

    /// <summary>1 when the previous block ended with an escaping backslash: this block's first byte is escaped.</summary>
    private ulong _nextIsEscaped;

    /// <summary>All ones when the previous block ended inside a string.</summary>
    private ulong _inStringCarry;

    /// <summary>Without the carry-less multiply instruction, even where the CPU has it (the fallback is tested that way).</summary>
    private readonly bool _portable;

    public StringMasks(bool portable) => _portable = portable;

    public readonly bool EndsInString => _inStringCarry != 0;

    /// <summary>The bytes escaped by a backslash (the byte after each escaping backslash, an escaped backslash included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Escaped(ulong backslash)
    {
        if (backslash == 0)
        {
            var carried = _nextIsEscaped;
            _nextIsEscaped = 0;
            return carried;
        }

        // A backslash escaped by the last block's is not an escape itself; in a run of backslashes every
        // other one escapes the next, counted from the run's start, which the subtraction finds.
        var potential = backslash & ~_nextIsEscaped;
        var escapeAndTerminal = (((potential << 1) | OddBits) - potential) ^ OddBits;
        var escaped = escapeAndTerminal ^ (backslash | _nextIsEscaped);
        var escape = escapeAndTerminal & backslash;
        _nextIsEscaped = escape >> 63;
        return escaped;
    }

    /// <summary>The bytes inside strings: each opening quote and what follows it, up to and without the closing quote.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong InString(ulong unescapedQuotes)
    {
        var inString = (_portable ? PrefixXorPortable(unescapedQuotes) : PrefixXor(unescapedQuotes)) ^ _inStringCarry;
        _inStringCarry = (ulong)((long)inString >> 63);
        return inString;
    }

    /// <summary>Bit i is the XOR of bits 0..i: a carry-less multiply by all ones where the CPU has one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong PrefixXor(ulong bits)
    {
        if (Pclmulqdq.IsSupported)
        {
            return Pclmulqdq.CarrylessMultiply(Vector128.CreateScalar(bits), Vector128.Create(ulong.MaxValue), 0).ToScalar();
        }

        return PrefixXorPortable(bits);
    }

    internal static ulong PrefixXorPortable(ulong bits)
    {
        bits ^= bits << 1;
        bits ^= bits << 2;
        bits ^= bits << 4;
        bits ^= bits << 8;
        bits ^= bits << 16;
        bits ^= bits << 32;
        return bits;
    }
}
