namespace Qarion.Client.Manifests.Scanning;

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

    /// <summary>The kind of each byte that can start a structural position (<see cref="Scalar"/> for anything else).</summary>
    public static readonly byte[] Classes = BuildClasses();

    private static byte[] BuildClasses()
    {
        var classes = new byte[256];
        classes.AsSpan().Fill(Scalar);
        classes['"'] = Quote;
        classes[':'] = Colon;
        classes[','] = Comma;
        classes['{'] = OpenBrace;
        classes['['] = OpenBracket;
        classes['}'] = CloseBrace;
        classes[']'] = CloseBracket;
        return classes;
    }

    /// <summary>
    /// <see cref="Next"/> packed for the walk: per kind, four bits per state. The walk's speed is bound by the
    /// chain from one state to the next, and a shift is shorter than a load that depends on the state.
    /// </summary>
    public static readonly ulong[] PackedNext = Pack();

    private static ulong[] Pack()
    {
        var packed = new ulong[3];
        for (var kind = 0; kind < 3; kind++)
        {
            for (var state = 0; state <= (int)State.Error; state++)
            {
                packed[kind] |= (ulong)Next[(state * 3) + kind] << (state * 4);
            }
        }

        return packed;
    }

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
