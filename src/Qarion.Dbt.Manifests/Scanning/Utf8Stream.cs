using System.Text.Unicode;

namespace Qarion.Dbt.Manifests.Scanning;

/// <summary>
/// UTF-8 validity over a stream of chunks, with the vectorised <see cref="Utf8.IsValid(ReadOnlySpan{byte})"/>:
/// a character cut by a chunk boundary is held back (at most three bytes) and completed from the next chunk.
/// </summary>
internal sealed class Utf8Stream
{
    private readonly byte[] _tail = new byte[4];
    private int _tailLength;

    /// <summary>Whether the bytes so far end inside a character.</summary>
    public bool EndsInsideCharacter => _tailLength > 0;

    /// <summary>Whether the chunk continues valid UTF-8.</summary>
    public bool Append(ReadOnlySpan<byte> chunk)
    {
        if (_tailLength > 0)
        {
            var length = SequenceLength(_tail[0]);
            var take = Math.Min(length - _tailLength, chunk.Length);
            chunk[..take].CopyTo(_tail.AsSpan(_tailLength));
            _tailLength += take;
            chunk = chunk[take..];
            if (_tailLength < length)
            {
                return true;
            }

            if (!Utf8.IsValid(_tail.AsSpan(0, _tailLength)))
            {
                return false;
            }

            _tailLength = 0;
        }

        var cut = IncompleteTailStart(chunk);
        if (!Utf8.IsValid(chunk[..cut]))
        {
            return false;
        }

        chunk[cut..].CopyTo(_tail);
        _tailLength = chunk.Length - cut;
        return true;
    }

    private static int SequenceLength(byte lead) => lead switch
    {
        < 0xC0 => 1,
        < 0xE0 => 2,
        < 0xF0 => 3,
        _ => 4,
    };

    /// <summary>Where a character that this chunk does not finish begins (the chunk's length when none).</summary>
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
}
