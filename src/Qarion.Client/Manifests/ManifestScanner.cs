using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Qarion.Client.Manifests.Scanning;

namespace Qarion.Client.Manifests;

/// <summary>
/// The fast path of the manifest check: one forward pass over chunks that decides whether the bytes are
/// one well-formed JSON document in valid UTF-8 (RFC 8259, as <see cref="Utf8JsonReader"/> reads it) and
/// collects what the check needs (the metadata, node and section counts). Two stages, after simdjson:
/// <see cref="BlockClassifier"/> and <see cref="StringMasks"/> turn each 64-byte block into bit masks with
/// vector instructions (strings, their escapes and control characters are checked there, whole blocks at a
/// time); this class then walks only the structural positions (brackets, colons, commas, the start of each
/// string and scalar) with a depth stack. UTF-8 is validated by the vectorised
/// <see cref="System.Text.Unicode.Utf8.IsValid(ReadOnlySpan{byte})"/>. State carries across chunks of any
/// size; memory is a few small buffers. It decides, it does not explain: a failure says only where, and
/// <see cref="DbtManifestReader"/> re-reads the file with <see cref="Utf8JsonReader"/> to say what.
/// </summary>
internal sealed class ManifestScanner
{
    /// <summary>What may come next; the order matters: value states first, then key states.</summary>
    private enum State : byte { Value, FirstValueOrEnd, FirstKeyOrEnd, Key, Colon, CommaOrEnd, Done }

    private enum Capture : byte { None, SectionKey, MetadataKey, SchemaVersion, DbtVersion }

    private const int Block = BlockClassifier.BlockSize;
    private const int MaxCapture = 4096;

    private readonly ClassifierKind _kind;
    private readonly ulong[] _isObject = new ulong[DbtManifestReader.MaxDepth / 64 + 1];
    private readonly long[] _entries = new long[7];
    private readonly byte[] _utf8Tail = new byte[4];
    private readonly byte[] _partial = new byte[Block];
    private readonly byte[] _captured = new byte[MaxCapture];
    private int _utf8TailLength;
    private int _partialLength;
    private long _blockStart;
    private StringMasks _strings;
    private ScalarToken _scalar;
    private ulong _scalarCarry;
    private int _hexOwed;
    private int _depth;
    private State _state = State.Value;
    private Capture _capture;
    private bool _captureOpen;
    private int _capturedLength;
    private Section _section;
    private Capture _metadataField;

    internal enum Section : byte { Other, Metadata, Nodes, Sources, Macros, Exposures, Metrics }

    public ManifestScanner()
        : this(ClassifierKind.Best)
    {
    }

    /// <param name="kind">Which instructions classify blocks (the tests run every kind).</param>
    internal ManifestScanner(ClassifierKind kind)
    {
        _kind = BlockClassifier.Resolve(kind);
        _strings = new StringMasks(portable: _kind == ClassifierKind.Scalar);
    }

    public string? SchemaVersionUrl { get; private set; }

    public string? DbtVersion { get; private set; }

    public long Nodes => _entries[(int)Section.Nodes];

    public long Sources => _entries[(int)Section.Sources];

    public long Macros => _entries[(int)Section.Macros];

    public long Exposures => _entries[(int)Section.Exposures];

    public long Metrics => _entries[(int)Section.Metrics];

    /// <summary>Whether any byte other than white space was seen (known for certain after <see cref="Complete"/>).</summary>
    public bool SawValue { get; private set; }

    /// <summary>Called with the schema URL as soon as it is read, so another artifact stops the check at once.</summary>
    public Action<string>? OnSchemaVersion { get; init; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Append(ReadOnlySpan<byte> chunk)
    {
        ValidateUtf8(chunk);
        if (_partialLength > 0)
        {
            var take = Math.Min(Block - _partialLength, chunk.Length);
            chunk[..take].CopyTo(_partial.AsSpan(_partialLength));
            _partialLength += take;
            chunk = chunk[take..];
            if (_partialLength < Block)
            {
                return;
            }

            ScanBlock(ref _partial[0]);
            _partialLength = 0;
        }

        ref var start = ref MemoryMarshal.GetReference(chunk);
        var whole = chunk.Length - (chunk.Length % Block);
        for (var at = 0; at < whole; at += Block)
        {
            ScanBlock(ref Unsafe.Add(ref start, at));
        }

        chunk[whole..].CopyTo(_partial);
        _partialLength = chunk.Length - whole;
    }

    public void Complete()
    {
        if (_utf8TailLength > 0)
        {
            throw Invalid(0, "the file ends inside a UTF-8 character");
        }

        // The last block, padded with white space: neutral in JSON, and it ends a number that ends the file.
        _partial.AsSpan(_partialLength).Fill((byte)' ');
        _partialLength = 0;
        ScanBlock(ref _partial[0]);

        if (!SawValue)
        {
            return;
        }

        if (_strings.EndsInString)
        {
            throw Invalid(0, "the file ends inside a string");
        }

        if (_state != State.Done)
        {
            throw Invalid(0, "the file ends before the JSON is complete");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScanBlock(ref byte block)
    {
        var masks = BlockClassifier.Classify(_kind, ref block);
        var escaped = _strings.Escaped(masks.Backslash);
        var quotes = masks.Quote & ~escaped;
        var inString = _strings.InString(quotes);
        var outside = ~inString;

        // What strings may not hold, found for the whole block at once; the walk stops before the first.
        var problemAt = Block;
        var problem = "";
        if ((masks.Control & inString) != 0)
        {
            problemAt = BitOperations.TrailingZeroCount(masks.Control & inString);
            problem = "a control character inside a string";
        }

        if (((escaped & inString) | (uint)_hexOwed) != 0)
        {
            CheckEscapes(ref block, escaped & inString, ref problemAt, ref problem);
        }

        // Bytes outside strings that are neither structure nor white space form numbers and literals.
        var scalar = ~(masks.Operator | masks.Whitespace | masks.Quote) & outside;
        var closing = quotes & outside;
        if (_scalar.IsOpen)
        {
            ContinueScalar(ref block, scalar);
        }
        else if (_captureOpen)
        {
            ContinueCapture(ref block, closing);
        }

        var events = (masks.Operator & outside) | (quotes & inString) | (scalar & ~((scalar << 1) | _scalarCarry));
        _scalarCarry = scalar >> 63;
        if (problemAt < Block)
        {
            events &= (1UL << problemAt) - 1;
        }

        Walk(ref block, events, closing, scalar);

        if (problemAt < Block)
        {
            throw Invalid(problemAt, problem);
        }

        _blockStart += Block;
    }

    /// <summary>
    /// Stage 2: the grammar over the structural positions. Deep inside the document (below the sections'
    /// entries) nothing is counted or captured, so the state lives in locals there; the top three levels take
    /// the general path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Walk(ref byte block, ulong events, ulong closing, ulong scalar)
    {
        var state = _state;
        var depth = _depth;
        var inObject = IsObject(depth);
        while (events != 0)
        {
            var at = BitOperations.TrailingZeroCount(events);
            events &= events - 1;
            if (depth < 3)
            {
                _state = state;
                _depth = depth;
                Event(ref block, at, closing, scalar);
                state = _state;
                depth = _depth;
                inObject = IsObject(depth);
                continue;
            }

            switch (Unsafe.Add(ref block, at))
            {
                case (byte)'"':
                    if (state <= State.FirstValueOrEnd)
                    {
                        state = State.CommaOrEnd;
                        continue;
                    }

                    if (state > State.Key)
                    {
                        break;
                    }

                    state = State.Colon;
                    continue;
                case (byte)':':
                    if (state != State.Colon)
                    {
                        break;
                    }

                    state = State.Value;
                    continue;
                case (byte)',':
                    if (state != State.CommaOrEnd)
                    {
                        break;
                    }

                    state = inObject ? State.Key : State.Value;
                    continue;
                case (byte)'{' or (byte)'[':
                    if (state > State.FirstValueOrEnd)
                    {
                        break;
                    }

                    _depth = depth;
                    inObject = Unsafe.Add(ref block, at) == '{';
                    Push(inObject, at);
                    depth = _depth;
                    state = inObject ? State.FirstKeyOrEnd : State.FirstValueOrEnd;
                    continue;
                case (byte)'}':
                    if (!(state == State.FirstKeyOrEnd || (state == State.CommaOrEnd && inObject)))
                    {
                        break;
                    }

                    inObject = IsObject(--depth);
                    state = State.CommaOrEnd;
                    continue;
                case (byte)']':
                    if (!(state == State.FirstValueOrEnd || (state == State.CommaOrEnd && !inObject)))
                    {
                        break;
                    }

                    inObject = IsObject(--depth);
                    state = State.CommaOrEnd;
                    continue;
                default:
                    if (state > State.FirstValueOrEnd)
                    {
                        break;
                    }

                    StartScalar(ref block, at, scalar);
                    state = State.CommaOrEnd;
                    continue;
            }

            _state = state;
            _depth = depth;
            throw Unexpected(at);
        }

        _state = state;
        _depth = depth;
    }

    /// <summary>One structural position near the top of the document, where sections are named, entries counted and metadata read.</summary>
    private void Event(ref byte block, int at, ulong closing, ulong scalar)
    {
        switch (Unsafe.Add(ref block, at))
        {
            case (byte)'"':
                if (_state is State.Key or State.FirstKeyOrEnd)
                {
                    Key(ref block, at, closing);
                }
                else
                {
                    var captureAs = BeginValue(at, (byte)'"');
                    AfterValue();
                    if (captureAs != Capture.None)
                    {
                        StartCapture(ref block, at, closing, captureAs);
                    }
                }

                break;
            case (byte)':':
                _state = _state == State.Colon ? State.Value : throw Unexpected(at);
                break;
            case (byte)',':
                _state = _state != State.CommaOrEnd ? throw Unexpected(at) : IsObject(_depth) ? State.Key : State.Value;
                break;
            case (byte)'{':
                BeginValue(at, (byte)'{');
                Push(isObject: true, at);
                _state = State.FirstKeyOrEnd;
                break;
            case (byte)'[':
                BeginValue(at, (byte)'[');
                Push(isObject: false, at);
                _state = State.FirstValueOrEnd;
                break;
            case (byte)'}':
                if (_state != State.FirstKeyOrEnd && !(_state == State.CommaOrEnd && IsObject(_depth)))
                {
                    throw Unexpected(at);
                }

                Pop();
                break;
            case (byte)']':
                if (_state != State.FirstValueOrEnd && !(_state == State.CommaOrEnd && !IsObject(_depth)))
                {
                    throw Unexpected(at);
                }

                Pop();
                break;
            default:
                BeginValue(at, Unsafe.Add(ref block, at));
                StartScalar(ref block, at, scalar);
                AfterValue();
                break;
        }
    }

    /// <summary>Each escape is one of <c>\" \\ \/ \b \f \n \r \t \uXXXX</c>; a <c>\u</c> near the end owes digits to the next block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CheckEscapes(ref byte block, ulong escaped, ref int problemAt, ref string problem)
    {
        for (var i = 0; i < _hexOwed; i++)
        {
            if (!char.IsAsciiHexDigit((char)Unsafe.Add(ref block, i)))
            {
                Problem(i, "an invalid \\u escape", ref problemAt, ref problem);
            }
        }

        _hexOwed = 0;
        while (escaped != 0)
        {
            var at = BitOperations.TrailingZeroCount(escaped);
            escaped &= escaped - 1;
            switch (Unsafe.Add(ref block, at))
            {
                case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                    break;
                case (byte)'u':
                    for (var digit = at + 1; digit <= at + 4; digit++)
                    {
                        if (digit >= Block)
                        {
                            _hexOwed++;
                        }
                        else if (!char.IsAsciiHexDigit((char)Unsafe.Add(ref block, digit)))
                        {
                            Problem(digit, "an invalid \\u escape", ref problemAt, ref problem);
                        }
                    }

                    break;
                default:
                    Problem(at, "an invalid escape", ref problemAt, ref problem);
                    break;
            }
        }
    }

    private static void Problem(int at, string what, ref int problemAt, ref string problem)
    {
        if (at < problemAt)
        {
            problemAt = at;
            problem = what;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Key(ref byte block, int at, ulong closing)
    {
        if (_depth == 1)
        {
            StartCapture(ref block, at, closing, Capture.SectionKey);
        }
        else if (_depth == 2)
        {
            _entries[(int)_section]++;
            if (_section == Section.Metadata)
            {
                StartCapture(ref block, at, closing, Capture.MetadataKey);
            }
        }

        _state = State.Colon;
    }

    /// <summary>Checks that a value may start here; returns how to capture it when it is a metadata field being read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Capture BeginValue(int at, byte first)
    {
        if (_state is not (State.Value or State.FirstValueOrEnd))
        {
            throw Unexpected(at);
        }

        if (_depth == 0)
        {
            SawValue = true;
            if (first != '{')
            {
                // The reader says what it is; here it is only wrong.
                throw Invalid(at, "the top level is not an object");
            }
        }

        // The value right after a metadata property we read (only a string is taken, as the reader does).
        var captureAs = _depth == 2 && _section == Section.Metadata ? _metadataField : Capture.None;
        _metadataField = Capture.None;
        return captureAs;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StartScalar(ref byte block, int at, ulong scalar)
    {
        var length = BitOperations.TrailingZeroCount(~(scalar >> at));
        var token = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref block, at), length);
        if (at + length < Block)
        {
            if (ScalarToken.CheckWhole(token) is var wrong and >= 0)
            {
                throw Invalid(at + wrong, "an invalid number or literal");
            }
        }
        else if (_scalar.Start(token) is var wrong and >= 0)
        {
            // Runs on into the next block.
            throw Invalid(at + wrong, "an invalid number or literal");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ContinueScalar(ref byte block, ulong scalar)
    {
        var length = BitOperations.TrailingZeroCount(~scalar);
        if (_scalar.Continue(MemoryMarshal.CreateReadOnlySpan(ref block, length)) is var wrong and >= 0)
        {
            throw Invalid(wrong, "an invalid number or literal");
        }

        if (length < Block && !_scalar.End())
        {
            throw Invalid(length, "an incomplete number or literal");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StartCapture(ref byte block, int at, ulong closing, Capture capture)
    {
        _capture = capture;
        _capturedLength = 0;
        var after = closing & (~0UL << at << 1);
        if (after != 0)
        {
            var end = BitOperations.TrailingZeroCount(after);
            Keep(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref block, at + 1), end - at - 1));
            EndCapture();
        }
        else
        {
            Keep(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref block, at + 1), Block - at - 1));
            _captureOpen = true;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ContinueCapture(ref byte block, ulong closing)
    {
        if (closing == 0)
        {
            Keep(MemoryMarshal.CreateReadOnlySpan(ref block, Block));
            return;
        }

        Keep(MemoryMarshal.CreateReadOnlySpan(ref block, BitOperations.TrailingZeroCount(closing)));
        _captureOpen = false;
        EndCapture();
    }

    /// <summary>Keeps the bytes of a string being captured; a capture only ever needs a short string, so it is bounded.</summary>
    private void Keep(ReadOnlySpan<byte> bytes)
    {
        var room = Math.Min(bytes.Length, MaxCapture - _capturedLength);
        bytes[..room].CopyTo(_captured.AsSpan(_capturedLength));
        _capturedLength += room;
    }

    private void EndCapture()
    {
        var text = Decode(_captured.AsSpan(0, _capturedLength));
        switch (_capture)
        {
            case Capture.SectionKey:
                _section = SectionOf(text);
                break;
            case Capture.MetadataKey:
                _metadataField = text == "dbt_schema_version" ? Capture.SchemaVersion : text == "dbt_version" ? Capture.DbtVersion : Capture.None;
                break;
            case Capture.SchemaVersion:
                SchemaVersionUrl = text;
                OnSchemaVersion?.Invoke(text);
                break;
            case Capture.DbtVersion:
                DbtVersion = text;
                break;
        }

        _capture = Capture.None;
    }

    private static Section SectionOf(string key) => key switch
    {
        "nodes" => Section.Nodes,
        "metadata" => Section.Metadata,
        "sources" => Section.Sources,
        "macros" => Section.Macros,
        "exposures" => Section.Exposures,
        "metrics" => Section.Metrics,
        _ => Section.Other,
    };

    /// <summary>
    /// A captured string's text; escapes are rare here and decoded by the reader itself. A capture cut at
    /// its bound is no name the check looks for, so it stays raw.
    /// </summary>
    private string Decode(ReadOnlySpan<byte> raw)
    {
        if (raw.IndexOf((byte)'\\') < 0 || _capturedLength == MaxCapture)
        {
            return Encoding.UTF8.GetString(raw);
        }

        var quoted = new byte[raw.Length + 2];
        quoted[0] = quoted[^1] = (byte)'"';
        raw.CopyTo(quoted.AsSpan(1));
        try
        {
            var reader = new Utf8JsonReader(quoted);
            reader.Read();
            return reader.GetString() ?? "";
        }
        catch (JsonException)
        {
            // Stage 1 has found the bad escape too, but only reports it after the walk reached it.
            throw Invalid(0, "an invalid escape");
        }
    }

    private void AfterValue() => _state = _depth == 0 ? State.Done : State.CommaOrEnd;

    private void Push(bool isObject, int at)
    {
        if (_depth >= DbtManifestReader.MaxDepth)
        {
            throw Invalid(at, "nesting deeper than the limit");
        }

        _depth++;
        ref var word = ref _isObject[_depth >> 6];
        var bit = 1UL << (_depth & 63);
        word = isObject ? word | bit : word & ~bit;
        if (_depth == 1)
        {
            _section = Section.Other;
        }
    }

    private void Pop()
    {
        _depth--;
        AfterValue();
    }

    private bool IsObject(int depth) => (_isObject[depth >> 6] & (1UL << (depth & 63))) != 0;

    private DbtManifestException Unexpected(int at) => Invalid(at, _state switch
    {
        State.Value or State.FirstValueOrEnd => "a value expected",
        State.Key or State.FirstKeyOrEnd => "a property name expected",
        State.Colon => "':' expected after a property name",
        State.CommaOrEnd => "',' or the end of the container expected",
        _ => "content after the end of the JSON",
    });

    private void ValidateUtf8(ReadOnlySpan<byte> chunk)
    {
        if (_utf8TailLength > 0)
        {
            // A character split across chunks: complete it from this one.
            var length = SequenceLength(_utf8Tail[0]);
            var take = Math.Min(length - _utf8TailLength, chunk.Length);
            chunk[..take].CopyTo(_utf8Tail.AsSpan(_utf8TailLength));
            _utf8TailLength += take;
            chunk = chunk[take..];
            if (_utf8TailLength < length)
            {
                return;
            }

            if (!System.Text.Unicode.Utf8.IsValid(_utf8Tail.AsSpan(0, _utf8TailLength)))
            {
                throw Invalid(0, "invalid UTF-8");
            }

            _utf8TailLength = 0;
        }

        var cut = IncompleteTailStart(chunk);
        if (!System.Text.Unicode.Utf8.IsValid(chunk[..cut]))
        {
            throw Invalid(0, "invalid UTF-8");
        }

        chunk[cut..].CopyTo(_utf8Tail);
        _utf8TailLength = chunk.Length - cut;
    }

    private static int SequenceLength(byte lead) => lead switch
    {
        < 0xC0 => 1,
        < 0xE0 => 2,
        < 0xF0 => 3,
        _ => 4,
    };

    /// <summary>Where a UTF-8 character that this chunk does not finish begins (the chunk's length when none).</summary>
    private static int IncompleteTailStart(ReadOnlySpan<byte> chunk)
    {
        for (var back = 1; back <= Math.Min(3, chunk.Length); back++)
        {
            var b = chunk[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }

            return b >= 0xC0 && SequenceLength(b) > back ? chunk.Length - back : chunk.Length;
        }

        return chunk.Length;
    }

    private DbtManifestException Invalid(int at, string what) =>
        new(DbtManifestProblem.InvalidJson, $"The file is not valid JSON: {what} (byte {_blockStart + at}).", bytePosition: _blockStart + at) { NeedsExplanation = true };
}
