using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Qarion.Dbt.Manifests.Scanning;
using static Qarion.Dbt.Manifests.Scanning.Grammar;

namespace Qarion.Dbt.Manifests;

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
/// <see cref="ManifestExplainer"/> re-reads the file with <see cref="Utf8JsonReader"/> to say what.
/// </summary>
internal sealed partial class ManifestScanner
{
    private const int Block = BlockClassifier.BlockSize;
    private const int MaxCapture = 4096;

    private readonly ClassifierKind _kind;
    private readonly ulong[] _isObject = new ulong[DbtManifestCheck.MaxDepth / 64 + 1];
    private readonly Utf8Stream _utf8 = new();
    private readonly byte[] _partial = new byte[Block];
    private readonly byte[] _captured = new byte[MaxCapture];
    private int _partialLength;
    private long _blockStart;
    private StringMasks _strings;
    private ScalarToken _scalar;
    private ulong _scalarCarry;

    // The current block's closing quotes and scalar bytes, for the rare calls out of the walk (fields, not
    // arguments, so the walk's own state keeps the registers a call preserves).
    private ulong _closing;
    private ulong _scalarBits;
    private int _hexOwed;
    private int _depth;
    private State _state = State.Start;
    private Capture _capture;
    private bool _captureOpen;
    private int _capturedLength;
    private ManifestFacts.Section _section;
    private ManifestFacts.MetadataField _metadataField;

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

    /// <summary>The sections' entry counts and the metadata read so far.</summary>
    public ManifestFacts Facts { get; } = new();

    /// <summary>Whether any byte other than white space was seen (known for certain after <see cref="Complete"/>).</summary>
    public bool SawValue { get; private set; }

    /// <summary>Called with the schema URL as soon as it is read, so another artifact stops the check at once.</summary>
    public Action<string>? OnSchemaVersion { get; init; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Append(ReadOnlySpan<byte> chunk)
    {
        if (!_utf8.Append(chunk))
        {
            throw Invalid(0, "invalid UTF-8");
        }

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

            ScanBlocks(ref _partial[0], 1);
            _partialLength = 0;
        }

        var whole = chunk.Length - (chunk.Length % Block);
        ScanBlocks(ref MemoryMarshal.GetReference(chunk), whole / Block);

        chunk[whole..].CopyTo(_partial);
        _partialLength = chunk.Length - whole;
    }

    public void Complete()
    {
        if (_utf8.EndsInsideCharacter)
        {
            throw Invalid(0, "the file ends inside a UTF-8 character");
        }

        // The last block, padded with white space: neutral in JSON, and it ends a number that ends the file.
        _partial.AsSpan(_partialLength).Fill((byte)' ');
        _partialLength = 0;
        ScanBlocks(ref _partial[0], 1);

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
            throw Invalid(0, "the file ends before the JSON does (truncated?)");
        }
    }

    /// <summary>Consecutive blocks, with the loop compiled for this machine's classifier.</summary>
    private void ScanBlocks(ref byte first, int count)
    {
        switch (_kind)
        {
            case ClassifierKind.Vector512: ScanBlocks<Vector512Classifier>(ref first, count); break;
            case ClassifierKind.Vector256: ScanBlocks<Vector256Classifier>(ref first, count); break;
            case ClassifierKind.Vector128: ScanBlocks<Vector128Classifier>(ref first, count); break;
            default: ScanBlocks<ScalarClassifier>(ref first, count); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScanBlocks<TClassifier>(ref byte first, int count)
        where TClassifier : struct, IBlockClassifier
    {
        for (var i = 0; i < count; i++)
        {
            ScanBlock<TClassifier>(ref Unsafe.Add(ref first, i * Block));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ScanBlock<TClassifier>(ref byte block)
        where TClassifier : struct, IBlockClassifier
    {
        var masks = TClassifier.Classify(ref block);
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

        _closing = closing;
        _scalarBits = scalar;
        Walk(ref block, events);

        if (problemAt < Block)
        {
            throw Invalid(problemAt, problem);
        }

        _blockStart += Block;
    }

    /// <summary>
    /// Stage 2: the grammar over the structural positions. Quotes, colons and commas (most positions) and
    /// scalars move the state through <see cref="Next"/>, a table, rather than through branches the CPU
    /// cannot predict; only brackets branch. Deep inside the document (below the sections' entries) nothing
    /// is counted or captured, so the state lives in locals there; the top three levels take
    /// <see cref="TopEvent"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Walk(ref byte block, ulong events)
    {
        // Only five values live across the rare calls below, as many as the registers a call preserves.
        var state = _state;
        var depth = _depth;
        var at = 0;
        while (events != 0)
        {
            at = BitOperations.TrailingZeroCount(events);
            events &= events - 1;
            if (depth < 3)
            {
                _state = state;
                _depth = depth;
                TopEvent(ref block, at, _closing, _scalarBits);
                state = _state;
                depth = _depth;
                continue;
            }

            var kind = Classes[Unsafe.Add(ref block, at)];
            if (kind < Scalar)
            {
                var after = (State)((PackedNext(kind) >> ((int)state << 2)) & 0xF);
                if (after == State.Error)
                {
                    goto Unexpected;
                }

                state = after;
                continue;
            }

            if (kind == Scalar)
            {
                if (state > State.FirstValueArr)
                {
                    goto Unexpected;
                }

                // Checked, a scalar moves the state as a string value does (never to an error from a value state).
                StartScalar(ref block, at, _scalarBits);
                state = state == State.ValueObj ? State.CommaObj : State.CommaArr;
                continue;
            }

            if (kind <= OpenBracket)
            {
                if (state > State.FirstValueArr)
                {
                    goto Unexpected;
                }

                if (depth >= DbtManifestCheck.MaxDepth)
                {
                    goto TooDeep;
                }

                SetContainer(++depth, kind == OpenBrace);
                state = kind == OpenBrace ? State.FirstKey : State.FirstValueArr;
                continue;
            }

            if (kind == CloseBrace ? state is not (State.FirstKey or State.CommaObj) : state is not (State.FirstValueArr or State.CommaArr))
            {
                goto Unexpected;
            }

            depth--;
            state = IsObject(depth) ? State.CommaObj : State.CommaArr;
        }

        _state = state;
        _depth = depth;
        return;

    Unexpected:
        _state = state;
        _depth = depth;
        throw Unexpected(at);

    TooDeep:
        throw TooDeep(at);
    }

    /// <summary>One structural position near the top of the document, where sections are named, entries counted and metadata read.</summary>
    private void TopEvent(ref byte block, int at, ulong closing, ulong scalar)
    {
        var kind = Classes[Unsafe.Add(ref block, at)];
        if (kind is Colon or Comma)
        {
            _state = (State)Next[((int)_state * 3) + kind] is var after and not State.Error ? after : throw Unexpected(at);
            return;
        }

        if (kind == Quote && _state is State.FirstKey or State.Key)
        {
            Key(ref block, at, closing);
            return;
        }

        if (kind is CloseBrace or CloseBracket)
        {
            if (kind == CloseBrace ? _state is not (State.FirstKey or State.CommaObj) : _state is not (State.FirstValueArr or State.CommaArr))
            {
                throw Unexpected(at);
            }

            Pop();
            return;
        }

        // A value starts here.
        if (_state > State.Start)
        {
            throw Unexpected(at);
        }

        if (_depth == 0)
        {
            SawValue = true;
            if (kind == OpenBracket)
            {
                // An array is JSON whatever follows, and not a manifest: said at once, as the explainer would.
                throw Messages.TopLevelNotAnObject("an array");
            }

            if (kind != OpenBrace)
            {
                // A string, a number, a literal or none: the explainer says which, and whether it is JSON at all.
                throw Invalid(at, "the top level is not an object");
            }
        }

        // The value right after a metadata property we read (only a string is taken, as the reader does).
        var field = _depth == 2 && _section == ManifestFacts.Section.Metadata ? _metadataField : ManifestFacts.MetadataField.None;
        _metadataField = ManifestFacts.MetadataField.None;
        switch (kind)
        {
            case Quote:
                AfterValue();
                if (field != ManifestFacts.MetadataField.None)
                {
                    _valueOf = field;
                    StartCapture(ref block, at, closing, Capture.MetadataValue);
                }

                return;
            case OpenBrace or OpenBracket:
                Push(kind == OpenBrace, at);
                _state = kind == OpenBrace ? State.FirstKey : State.FirstValueArr;
                return;
            case Scalar:
                StartScalar(ref block, at, scalar);
                AfterValue();
                return;
            default:
                throw Unexpected(at);
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

    private void AfterValue() => _state = _depth == 0 ? State.Done : IsObject(_depth) ? State.CommaObj : State.CommaArr;

    private void Push(bool isObject, int at)
    {
        if (_depth >= DbtManifestCheck.MaxDepth)
        {
            throw TooDeep(at);
        }

        SetContainer(++_depth, isObject);
        if (_depth == 1)
        {
            _section = ManifestFacts.Section.Other;
        }
    }

    private void Pop()
    {
        _depth--;
        AfterValue();
    }

    /// <summary>Records whether the container at this depth is an object (else an array).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetContainer(int depth, bool isObject)
    {
        ref var word = ref _isObject[depth >> 6];
        var bit = 1UL << (depth & 63);
        word = isObject ? word | bit : word & ~bit;
    }

    private DbtManifestException TooDeep(int at) => Invalid(at, "nesting deeper than the limit");

    private bool IsObject(int depth) => (_isObject[depth >> 6] & (1UL << (depth & 63))) != 0;

    private DbtManifestException Unexpected(int at) => Invalid(at, _state switch
    {
        State.ValueObj or State.ValueArr or State.FirstValueArr or State.Start => "a value expected",
        State.Key or State.FirstKey => "a property name expected",
        State.Colon => "':' expected after a property name",
        State.CommaObj or State.CommaArr => "',' or the end of the container expected",
        _ => "content after the end of the JSON",
    });

    private DbtManifestException Invalid(int at, string what) =>
        new(DbtManifestProblem.InvalidJson, $"The file is not valid JSON: {what} (byte {_blockStart + at}).", bytePosition: _blockStart + at) { NeedsExplanation = true };
}
