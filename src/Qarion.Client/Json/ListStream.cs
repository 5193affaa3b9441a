using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Qarion.Client.Json;

/// <summary>
/// Reads a list answer as it arrives, one entry at a time: a bare array or <c>{"items": [...]}</c>
/// (other fields of the envelope are passed over). Memory is one entry and one read's worth, whatever
/// the list's length: a space of a million connectors is read like one of ten.
/// </summary>
internal sealed class ListStream(Stream stream, int readSize = 64 * 1024)
{
    /// <summary>No single entry may be larger: a server cannot make the client hold an endless one.</summary>
    public const int MaxEntryBytes = 16 * 1024 * 1024;

    private byte[] _buffer = new byte[readSize];
    private int _start;
    private int _end;
    private bool _done;
    private JsonReaderState _state;

    /// <summary>The first bytes of the answer (16 KB at most), to show what came when it is not a list.</summary>
    private readonly MemoryStream _beginning = new();

    public string Beginning => System.Text.Encoding.UTF8.GetString(_beginning.GetBuffer(), 0, (int)_beginning.Length);

    /// <summary>Where the reader of the current step began in the buffer: its positions count from here.</summary>
    private int _origin;

    /// <summary>Each entry that is an object, deserialized; entries of any other kind cannot be a model and are skipped.</summary>
    public async IAsyncEnumerable<T> ReadAsync<T>(JsonTypeInfo<T> type, Func<CancellationToken, CancellationToken> perRead, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class
    {
        // Where the parse is: before the list, inside it (the entries are at this depth), or after it.
        var phase = Phase.Before;
        var entryDepth = 1;
        while (phase != Phase.After)
        {
            var step = Step(ref phase, ref entryDepth, type, out var entry);
            if (entry is not null)
            {
                yield return entry;
            }

            if (step == Need.More)
            {
                if (_done)
                {
                    throw new JsonException(phase == Phase.Before ? "the answer ended before a list began" : "the answer ended inside the list (cut off?)");
                }

                await FillAsync(perRead(cancellationToken)).ConfigureAwait(false);
            }
        }
    }

    private enum Phase { Before, Envelope, Entries, After }

    private enum Need { Nothing, More }

    /// <summary>Reads what the buffer holds as far as it goes: at most one entry, or up to the point where more bytes are needed.</summary>
    private Need Step<T>(ref Phase phase, ref int entryDepth, JsonTypeInfo<T> type, out T? entry)
        where T : class
    {
        entry = null;
        _origin = _start;
        var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _done, _state);
        while (true)
        {
            var before = reader.BytesConsumed;
            var beforeState = reader.CurrentState;
            if (!reader.Read())
            {
                Keep(before, beforeState);
                return Need.More;
            }

            switch (phase)
            {
                case Phase.Before when reader.TokenType == JsonTokenType.StartArray:
                    phase = Phase.Entries;
                    entryDepth = 1;
                    break;
                case Phase.Before when reader.TokenType == JsonTokenType.StartObject:
                    phase = Phase.Envelope;
                    break;
                case Phase.Before:
                    throw new JsonException($"a JSON {reader.TokenType} where a list (an array or {{\"items\": [...]}}) was expected");
                case Phase.Envelope when reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("items"u8):
                    if (!reader.Read())
                    {
                        Keep(before, beforeState);
                        return Need.More;
                    }

                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        throw new JsonException($"\"items\" is a JSON {reader.TokenType}, not a list");
                    }

                    phase = Phase.Entries;
                    entryDepth = 2;
                    break;
                case Phase.Envelope when reader.TokenType == JsonTokenType.PropertyName:
                    // Another field of the envelope (total, page, size): its value is passed over.
                    if (!reader.TrySkip())
                    {
                        Keep(before, beforeState);
                        return Need.More;
                    }

                    break;
                case Phase.Envelope when reader.TokenType == JsonTokenType.EndObject:
                    throw new JsonException("an object without \"items\" where a list was expected");
                case Phase.Entries when reader.TokenType == JsonTokenType.EndArray:
                    // The list is complete; what follows it (the envelope's end, other fields) is not needed.
                    phase = Phase.After;
                    Keep(reader.BytesConsumed, reader.CurrentState);
                    return Need.Nothing;
                case Phase.Entries:
                    var startIndex = (int)reader.TokenStartIndex;
                    var isObject = reader.TokenType == JsonTokenType.StartObject;
                    if (!reader.TrySkip())
                    {
                        Keep(before, beforeState);
                        if (_end - _start >= MaxEntryBytes)
                        {
                            throw new JsonException($"a list entry larger than {MaxEntryBytes / (1024 * 1024)} MB");
                        }

                        return Need.More;
                    }

                    if (isObject)
                    {
                        var bytes = _buffer.AsSpan(_origin + startIndex, (int)reader.BytesConsumed - startIndex);
                        entry = JsonSerializer.Deserialize(bytes, type);
                        Keep(reader.BytesConsumed, reader.CurrentState);
                        if (entry is not null)
                        {
                            return Need.Nothing;
                        }
                    }

                    break;
            }
        }
    }

    /// <summary>Everything before <paramref name="consumed"/> is done with.</summary>
    private void Keep(long consumed, JsonReaderState state)
    {
        _start = _origin + (int)consumed;
        _state = state;
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            // Move what is not done with to the front.
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            // One entry longer than the buffer: grow it, up to the bound checked by the caller.
            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxEntryBytes + readSize));
        }

        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (_beginning.Length < 16 * 1024)
        {
            _beginning.Write(_buffer, _end, (int)Math.Min(read, 16 * 1024 - _beginning.Length));
        }

        if (read == 0)
        {
            _done = true;
        }

        _end += read;
    }
}
