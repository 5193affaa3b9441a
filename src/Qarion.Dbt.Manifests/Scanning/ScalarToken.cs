using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Qarion.Dbt.Manifests.Scanning;

/// <summary>
/// Checks one run of bytes between structure and white space outside strings: it must be a JSON number or
/// <c>true</c>, <c>false</c>, <c>null</c>, whole. A run that crosses a block is fed in parts; the common
/// short ones are checked in one go.
/// </summary>
internal struct ScalarToken
{
    private enum Num : byte { Minus, Zero, Int, Dot, Frac, Exp, ExpSign, ExpDigits }

    private static readonly byte[] True = "true"u8.ToArray(), False = "false"u8.ToArray(), Null = "null"u8.ToArray();

    private bool _open;
    private bool _isNumber;
    private Num _number;
    private byte[]? _literal;
    private int _literalAt;

    public readonly bool IsOpen => _open;

    /// <summary>A whole token; returns the offset of the first wrong byte, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CheckWhole(ReadOnlySpan<byte> token)
    {
        // The literals, and one-digit numbers, are most of a manifest's scalars.
        switch (token.Length)
        {
            case 1:
                return (uint)(token[0] - '0') <= 9 ? -1 : 0;
            case 4:
                var word = BinaryPrimitives.ReadUInt32LittleEndian(token);
                if (word == 0x6C6C756E /* null */ || word == 0x65757274 /* true */)
                {
                    return -1;
                }

                break;
            case 5:
                if (BinaryPrimitives.ReadUInt32LittleEndian(token) == 0x736C6166 /* fals */ && token[4] == 'e')
                {
                    return -1;
                }

                break;
        }

        var scalar = default(ScalarToken);
        var wrong = scalar.Start(token);
        return wrong >= 0 ? wrong : scalar.End() ? -1 : token.Length;
    }

    /// <summary>Starts a token with its first bytes; returns the offset of the first wrong byte, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Start(ReadOnlySpan<byte> part)
    {
        _open = true;
        _isNumber = part[0] is (byte)'-' or (>= (byte)'0' and <= (byte)'9');
        if (_isNumber)
        {
            _number = part[0] switch { (byte)'-' => Num.Minus, (byte)'0' => Num.Zero, _ => Num.Int };
            var wrong = Continue(part[1..]);
            return wrong < 0 ? -1 : wrong + 1;
        }

        _literal = part[0] switch { (byte)'t' => True, (byte)'f' => False, (byte)'n' => Null, _ => [] };
        _literalAt = 0;
        return Continue(part);
    }

    /// <summary>More bytes of the token; returns the offset of the first wrong byte, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Continue(ReadOnlySpan<byte> part)
    {
        if (!_isNumber)
        {
            var literal = _literal ?? [];
            for (var i = 0; i < part.Length; i++)
            {
                if (_literalAt == literal.Length || part[i] != literal[_literalAt])
                {
                    return i;
                }

                _literalAt++;
            }

            return -1;
        }

        for (var i = 0; i < part.Length; i++)
        {
            var c = part[i];
            var digit = (uint)(c - '0') <= 9;
            switch (_number)
            {
                case Num.Minus:
                    if (c == '0') { _number = Num.Zero; continue; }
                    if (digit) { _number = Num.Int; continue; }
                    return i;
                case Num.Zero:
                    if (c == '.') { _number = Num.Dot; continue; }
                    if (c is (byte)'e' or (byte)'E') { _number = Num.Exp; continue; }
                    return i;
                case Num.Int:
                    if (digit) { continue; }
                    if (c == '.') { _number = Num.Dot; continue; }
                    if (c is (byte)'e' or (byte)'E') { _number = Num.Exp; continue; }
                    return i;
                case Num.Dot:
                    if (digit) { _number = Num.Frac; continue; }
                    return i;
                case Num.Frac:
                    if (digit) { continue; }
                    if (c is (byte)'e' or (byte)'E') { _number = Num.Exp; continue; }
                    return i;
                case Num.Exp:
                    if (c is (byte)'+' or (byte)'-') { _number = Num.ExpSign; continue; }
                    if (digit) { _number = Num.ExpDigits; continue; }
                    return i;
                case Num.ExpSign:
                    if (digit) { _number = Num.ExpDigits; continue; }
                    return i;
                default:
                    if (digit) { continue; }
                    return i;
            }
        }

        return -1;
    }

    /// <summary>The token has ended: whether it is complete.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool End()
    {
        _open = false;
        return _isNumber
            ? _number is Num.Zero or Num.Int or Num.Frac or Num.ExpDigits
            : _literalAt == (_literal ?? []).Length;
    }
}
