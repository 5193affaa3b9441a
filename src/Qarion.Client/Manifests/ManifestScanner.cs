using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Qarion.Client.Manifests;

/// <summary>
/// The fast path of the manifest check: one forward pass over chunks that decides whether the bytes
/// are one well-formed JSON document in valid UTF-8 (RFC 8259, as <see cref="Utf8JsonReader"/> reads
/// it) and collects what the check needs (the metadata, node and section counts). String bodies, most
/// of a manifest, are skipped with a vectorised search, and UTF-8 is validated with the vectorised
/// <see cref="System.Text.Unicode.Utf8.IsValid(ReadOnlySpan{byte})"/>; only structure is walked byte by
/// byte. State carries across chunks of any size; memory is a few small buffers. It decides, it does not
/// explain: a failure says only where, and <see cref="DbtManifestReader"/> re-reads the file with
/// <see cref="Utf8JsonReader"/> to say what, with line and column.
/// </summary>
internal sealed class ManifestScanner
{
    private enum State : byte { Value, FirstValueOrEnd, FirstKeyOrEnd, Key, Colon, CommaOrEnd, String, Escape, Unicode, Number, Literal, Done }

    private enum Num : byte { Minus, Zero, Int, Dot, Frac, Exp, ExpSign, ExpDigits }

    internal enum Section : byte { Other, Metadata, Nodes, Sources, Macros, Exposures, Metrics }

    private enum Capture : byte { None, SectionKey, MetadataKey, SchemaVersion, DbtVersion }

    /// <summary>Bytes that end a run of plain string content: the closing quote, an escape, a control character.</summary>
    private static readonly SearchValues<byte> StringStops = SearchValues.Create(
        [(byte)'"', (byte)'\\', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);

    private static readonly SearchValues<byte> Whitespace = SearchValues.Create(" \t\r\n"u8);

    private const int MaxCapture = 4096;

    private readonly ulong[] _isObject = new ulong[DbtManifestReader.MaxDepth / 64 + 1];
    private readonly byte[] _utf8Tail = new byte[4];
    private readonly byte[] _captured = new byte[MaxCapture];
    private int _utf8TailLength;
    private int _depth;
    private State _state = State.Value;
    private bool _stringIsKey;
    private int _unicodeLeft;
    private Num _number;
    private byte[] _literal = [];
    private int _literalAt;
    private long _consumed;
    private Capture _capture;
    private int _capturedLength;
    private Section _section;
    private Capture _metadataField;

    public string? SchemaVersionUrl { get; private set; }

    public string? DbtVersion { get; private set; }

    public long Nodes { get; private set; }

    public long Sources { get; private set; }

    public long Macros { get; private set; }

    public long Exposures { get; private set; }

    public long Metrics { get; private set; }

    /// <summary>Whether any non-white-space byte was seen.</summary>
    public bool SawValue { get; private set; }

    /// <summary>Called with the schema URL as soon as it is read, so another artifact stops the check at once.</summary>
    public Action<string>? OnSchemaVersion { get; init; }

    public void Append(ReadOnlySpan<byte> chunk)
    {
        ValidateUtf8(chunk);
        Scan(chunk);
        _consumed += chunk.Length;
    }

    public void Complete()
    {
        if (_utf8TailLength > 0)
        {
            throw Invalid(0, "the file ends inside a UTF-8 character");
        }

        if (_state == State.Number)
        {
            EndNumber(0);
        }

        if (_state != State.Done)
        {
            throw Invalid(0, "the file ends before the JSON is complete");
        }
    }

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

    private void Scan(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length)
        {
            switch (_state)
            {
                case State.String:
                {
                    var run = data[i..].IndexOfAny(StringStops);
                    if (run < 0)
                    {
                        Keep(data[i..]);
                        return;
                    }

                    Keep(data.Slice(i, run));
                    i += run;
                    var stop = data[i++];
                    if (stop == '"')
                    {
                        EndString(i);
                    }
                    else if (stop == '\\')
                    {
                        Keep("\\"u8);
                        _state = State.Escape;
                    }
                    else
                    {
                        throw Invalid(i - 1, "a control character inside a string");
                    }

                    break;
                }

                case State.Escape:
                {
                    var c = data[i++];
                    Keep([c]);
                    if (c == 'u')
                    {
                        _unicodeLeft = 4;
                        _state = State.Unicode;
                    }
                    else if (c is (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t')
                    {
                        _state = State.String;
                    }
                    else
                    {
                        throw Invalid(i - 1, "an invalid escape");
                    }

                    break;
                }

                case State.Unicode:
                {
                    var c = data[i++];
                    if (!char.IsAsciiHexDigit((char)c))
                    {
                        throw Invalid(i - 1, "an invalid \\u escape");
                    }

                    Keep([c]);
                    if (--_unicodeLeft == 0)
                    {
                        _state = State.String;
                    }

                    break;
                }

                case State.Number:
                    i = ScanNumber(data, i);
                    break;

                case State.Literal:
                    if (data[i] != _literal[_literalAt])
                    {
                        throw Invalid(i, "an invalid literal");
                    }

                    i++;
                    if (++_literalAt == _literal.Length)
                    {
                        AfterValue();
                    }

                    break;

                default:
                {
                    var c = data[i];
                    if (c is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                    {
                        // Usually one space; indented files have longer runs, which the vector search takes.
                        i++;
                        if (i < data.Length && data[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                        {
                            var next = data[i..].IndexOfAnyExcept(Whitespace);
                            i = next < 0 ? data.Length : i + next;
                        }

                        break;
                    }

                    Structural(c, i);
                    i++;
                    break;
                }
            }
        }
    }

    private void Structural(byte c, int at)
    {
        switch (_state)
        {
            case State.Value:
            case State.FirstValueOrEnd:
                if (c == ']' && _state == State.FirstValueOrEnd)
                {
                    Pop();
                    return;
                }

                BeginValue(c, at);
                return;

            case State.FirstKeyOrEnd:
                if (c == '}')
                {
                    Pop();
                    return;
                }

                BeginKey(c, at);
                return;

            case State.Key:
                BeginKey(c, at);
                return;

            case State.Colon:
                if (c != ':')
                {
                    throw Invalid(at, "':' expected after a property name");
                }

                _state = State.Value;
                return;

            case State.CommaOrEnd:
                var inObject = IsObject(_depth);
                if (c == ',')
                {
                    _state = inObject ? State.Key : State.Value;
                }
                else if ((c == '}' && inObject) || (c == ']' && !inObject))
                {
                    Pop();
                }
                else
                {
                    throw Invalid(at, "',' or the end of the container expected");
                }

                return;

            default:
                throw Invalid(at, "content after the end of the JSON");
        }
    }

    private void BeginValue(byte c, int at)
    {
        if (_depth == 0)
        {
            SawValue = true;
            if (c != '{')
            {
                // The reader says what it is; here it is only wrong.
                throw Invalid(at, "the top level is not an object");
            }
        }

        // The value right after a metadata property we read (only a string is taken, as the reader does).
        var captureAs = _depth == 2 && _section == Section.Metadata ? _metadataField : Capture.None;
        _metadataField = Capture.None;
        switch (c)
        {
            case (byte)'{':
                Push(isObject: true, at);
                _state = State.FirstKeyOrEnd;
                return;
            case (byte)'[':
                Push(isObject: false, at);
                _state = State.FirstValueOrEnd;
                return;
            case (byte)'"':
                _stringIsKey = false;
                StartCapture(captureAs);
                _state = State.String;
                return;
            case (byte)'-':
                _number = Num.Minus;
                _state = State.Number;
                break;
            case >= (byte)'0' and <= (byte)'9':
                _number = c == '0' ? Num.Zero : Num.Int;
                _state = State.Number;
                break;
            case (byte)'t':
                StartLiteral(True);
                break;
            case (byte)'f':
                StartLiteral(False);
                break;
            case (byte)'n':
                StartLiteral(Null);
                break;
            default:
                throw Invalid(at, "a value expected");
        }
    }

    private static readonly byte[] True = "true"u8.ToArray(), False = "false"u8.ToArray(), Null = "null"u8.ToArray();

    private void StartLiteral(byte[] literal)
    {
        _literal = literal;
        _literalAt = 1;
        _state = State.Literal;
    }

    private void BeginKey(byte c, int at)
    {
        if (c != '"')
        {
            throw Invalid(at, "a property name expected");
        }

        _stringIsKey = true;
        if (_depth == 1)
        {
            StartCapture(Capture.SectionKey);
        }
        else
        {
            if (_depth == 2)
            {
                CountEntry();
            }

            StartCapture(_depth == 2 && _section == Section.Metadata ? Capture.MetadataKey : Capture.None);
        }

        _state = State.String;
    }

    private void CountEntry()
    {
        switch (_section)
        {
            case Section.Nodes: Nodes++; break;
            case Section.Sources: Sources++; break;
            case Section.Macros: Macros++; break;
            case Section.Exposures: Exposures++; break;
            case Section.Metrics: Metrics++; break;
        }
    }

    private void EndString(int at)
    {
        if (_capture != Capture.None)
        {
            var text = _captured.AsSpan(0, _capturedLength);
            switch (_capture)
            {
                case Capture.SectionKey:
                    _section = SectionOf(Decode(text));
                    break;
                case Capture.MetadataKey:
                    var key = Decode(text);
                    _metadataField = key == "dbt_schema_version" ? Capture.SchemaVersion : key == "dbt_version" ? Capture.DbtVersion : Capture.None;
                    break;
                case Capture.SchemaVersion:
                    SchemaVersionUrl = Decode(text);
                    OnSchemaVersion?.Invoke(SchemaVersionUrl);
                    break;
                case Capture.DbtVersion:
                    DbtVersion = Decode(text);
                    break;
            }

            _capture = Capture.None;
        }

        if (_stringIsKey)
        {
            _state = State.Colon;
        }
        else
        {
            AfterValue();
        }
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

    /// <summary>A captured string's text; escapes are rare here and decoded by the reader itself.</summary>
    private static string Decode(ReadOnlySpan<byte> raw)
    {
        if (raw.IndexOf((byte)'\\') < 0)
        {
            return Encoding.UTF8.GetString(raw);
        }

        var quoted = new byte[raw.Length + 2];
        quoted[0] = quoted[^1] = (byte)'"';
        raw.CopyTo(quoted.AsSpan(1));
        var reader = new Utf8JsonReader(quoted);
        reader.Read();
        return reader.GetString() ?? "";
    }

    private void StartCapture(Capture capture)
    {
        _capture = capture;
        _capturedLength = 0;
    }

    /// <summary>Keeps the bytes of a string being captured; a capture only ever needs a short string, so it is bounded.</summary>
    private void Keep(ReadOnlySpan<byte> bytes)
    {
        if (_capture == Capture.None)
        {
            return;
        }

        var room = Math.Min(bytes.Length, MaxCapture - _capturedLength);
        bytes[..room].CopyTo(_captured.AsSpan(_capturedLength));
        _capturedLength += room;
    }

    private int ScanNumber(ReadOnlySpan<byte> data, int i)
    {
        for (; i < data.Length; i++)
        {
            var c = data[i];
            var digit = (uint)(c - '0') <= 9;
            switch (_number)
            {
                case Num.Minus:
                    _number = c == '0' ? Num.Zero : digit ? Num.Int : throw Invalid(i, "a digit expected after '-'");
                    continue;
                case Num.Zero:
                    if (c == '.') { _number = Num.Dot; continue; }
                    if (c is (byte)'e' or (byte)'E') { _number = Num.Exp; continue; }
                    if (digit) { throw Invalid(i, "a number with a leading zero"); }
                    break;
                case Num.Int:
                    if (digit) { continue; }
                    if (c == '.') { _number = Num.Dot; continue; }
                    if (c is (byte)'e' or (byte)'E') { _number = Num.Exp; continue; }
                    break;
                case Num.Dot:
                    _number = digit ? Num.Frac : throw Invalid(i, "a digit expected after '.'");
                    continue;
                case Num.Frac:
                    if (digit) { continue; }
                    if (c is (byte)'e' or (byte)'E') { _number = Num.Exp; continue; }
                    break;
                case Num.Exp:
                    _number = c is (byte)'+' or (byte)'-' ? Num.ExpSign : digit ? Num.ExpDigits : throw Invalid(i, "a digit expected in an exponent");
                    continue;
                case Num.ExpSign:
                    _number = digit ? Num.ExpDigits : throw Invalid(i, "a digit expected in an exponent");
                    continue;
                case Num.ExpDigits:
                    if (digit) { continue; }
                    break;
            }

            // Any other byte ends the number; the structure then decides whether it may stand there.
            EndNumber(i);
            return i;
        }

        return i;
    }

    private void EndNumber(int at)
    {
        if (_number is Num.Minus or Num.Dot or Num.Exp or Num.ExpSign)
        {
            throw Invalid(at, "an incomplete number");
        }

        AfterValue();
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

    private DbtManifestException Invalid(int at, string what) =>
        new(DbtManifestProblem.InvalidJson, $"The file is not valid JSON: {what} (byte {_consumed + at}).", bytePosition: _consumed + at) { NeedsExplanation = true };
}
