using System.Text.Json;

namespace Qarion.Dbt.Manifests;

/// <summary>
/// Says what is wrong with a file the scanner refused, and where: the file is read again, token by
/// token, with <see cref="Utf8JsonReader"/>, whose messages name what it found, and the position is
/// given for the whole file (line, byte, column). It explains; it never decides: should the file read
/// well now (it changed since), the scanner's own finding stands.
/// </summary>
internal static class ManifestExplainer
{
    private const int ChunkSize = 1024 * 1024;

    /// <summary>The precise finding for a file the scanner refused with <paramref name="found"/>, or <paramref name="found"/> itself.</summary>
    public static DbtManifestException Explain(string path, DbtManifestException found)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            return new Pass().Run(file) ?? found;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The file went away or cannot be opened again: what the scanner found is all there is to say.
            return found;
        }
    }

    /// <summary>One read of the file: its JSON state carried across chunks, and the tail of a token split between two.</summary>
    private sealed class Pass
    {
        private JsonReaderState _state = new(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = DbtManifestCheck.MaxDepth });
        private byte[] _pending = new byte[ChunkSize];
        private int _pendingLength;
        private long _consumedBefore;
        private bool _sawFirstToken;

        // Line and line start of the consumed bytes, counted here: the reader's own line and column are where
        // it stopped reading, which can be lines past the byte it reports (the start of the token it could not read).
        private long _newlines;
        private long _lineStart;

        public DbtManifestException? Run(Stream file)
        {
            var first = true;
            while (true)
            {
                EnsureRoom(_pendingLength + ChunkSize);
                var read = file.Read(_pending, _pendingLength, ChunkSize);
                if (first)
                {
                    first = false;
                    var bom = DbtManifestCheck.Utf8Bom;
                    if (read + _pendingLength >= bom.Length && _pending.AsSpan(0, bom.Length).SequenceEqual(bom))
                    {
                        // Less the byte-order mark, which the check accepts; positions still count it.
                        _pending.AsSpan(bom.Length, read - bom.Length).CopyTo(_pending);
                        read -= bom.Length;
                        _consumedBefore = bom.Length;
                        _lineStart = bom.Length;
                    }
                }

                _pendingLength += read;
                var final = read == 0;
                if (Parse(final) is { } problem)
                {
                    return problem;
                }

                if (final)
                {
                    // Read to its end without an error (the reader refuses an empty or blank final block, above):
                    // the file changed since the scanner refused it, and the scanner's finding stands.
                    return null;
                }
            }
        }

        private DbtManifestException? Parse(bool isFinalBlock)
        {
            var data = _pending.AsSpan(0, _pendingLength);
            var before = _state;
            var reader = new Utf8JsonReader(data, isFinalBlock, _state);
            try
            {
                while (reader.Read())
                {
                    if (!_sawFirstToken)
                    {
                        _sawFirstToken = true;
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            return Messages.TopLevelNotAnObject(Describe(reader.TokenType));
                        }
                    }
                }
            }
            catch (JsonException ex)
            {
                if (!_sawFirstToken && isFinalBlock && data.Trim(" \t\r\n"u8).IsEmpty)
                {
                    return Messages.OnlyWhiteSpace();
                }

                var what = NonJsonNumber(data[(int)reader.BytesConsumed..]) is { } word
                    ? $"{word} is not JSON (Python's json writes it for a float that is not a number; JSON has no such value)"
                    : isFinalBlock && IsSoundPrefix(data, before)
                        ? "the file ends before the JSON does (truncated?)"
                        : Reason(ex);
                var at = _consumedBefore + reader.BytesConsumed;
                Count(data[..(int)reader.BytesConsumed]);
                var line = _newlines + 1;
                return new DbtManifestException(
                    DbtManifestProblem.InvalidJson, $"The file is not valid JSON: {what} (line {line}, byte {at}).", line, at, at - _lineStart + 1);
            }

            _state = reader.CurrentState;
            var used = (int)reader.BytesConsumed;
            Count(data[..used]);
            _consumedBefore += used;
            _pending.AsSpan(used, _pendingLength - used).CopyTo(_pending);
            _pendingLength -= used;
            return null;
        }

        /// <summary>Counts the lines of bytes about to be consumed (they start at <see cref="_consumedBefore"/>).</summary>
        private void Count(ReadOnlySpan<byte> consumed)
        {
            var last = consumed.LastIndexOf((byte)'\n');
            if (last >= 0)
            {
                _newlines += consumed.Count((byte)'\n');
                _lineStart = _consumedBefore + last + 1;
            }
        }

        private void EnsureRoom(int size)
        {
            if (_pending.Length < size)
            {
                Array.Resize(ref _pending, Math.Max(size, _pending.Length * 2));
            }
        }
    }

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };

    /// <summary>True when the bytes read as the start of a longer document: what failed at the end was only that the end came.</summary>
    private static bool IsSoundPrefix(ReadOnlySpan<byte> data, JsonReaderState state)
    {
        var reader = new Utf8JsonReader(data, isFinalBlock: false, state);
        try
        {
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>NaN, Infinity or -Infinity where the reader stopped, which deserve their own words.</summary>
    private static string? NonJsonNumber(ReadOnlySpan<byte> rest)
    {
        rest = rest.TrimStart(" \t\r\n,:[{"u8);
        foreach (var word in (ReadOnlySpan<string>)["NaN", "Infinity", "-Infinity"])
        {
            if (rest.StartsWith(System.Text.Encoding.ASCII.GetBytes(word)))
            {
                return word;
            }
        }

        return null;
    }

    private static string Reason(JsonException ex)
    {
        // The reader's message ends with its own position (relative to one chunk); ours is for the file.
        var message = ex.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }
}
