using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Qarion.Client.Manifests;

/// <summary>
/// Checks a dbt manifest in one forward pass over chunks pushed into it, so a file of any size is
/// checked with memory bounded by a few buffers. Key order is not assumed: the metadata may come
/// after the nodes. Feed it with <see cref="Append"/>, then call <see cref="Complete"/>.
/// <see cref="ReadFileAsync"/> (and the checked upload) decide with a fast structural scanner and,
/// when it fails, read the file again with <see cref="Utf8JsonReader"/> to say what is wrong.
/// </summary>
public sealed partial class DbtManifestReader
{
    /// <summary>
    /// dbt's <c>meta</c> and <c>config</c> are user-defined and may nest deeply; the reader's own default
    /// of 64 refused valid files. Depth costs one bit per level, so a high limit keeps memory bounded.
    /// </summary>
    public const int MaxDepth = 4096;

    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    private readonly ManifestHash? _hash;
    private readonly ManifestScanner? _scanner;
    private byte[] _head = new byte[4];
    private int _headLength;
    private bool _headDone;
    private byte[] _pending = [];
    private int _pendingLength;
    private long _consumedBefore;
    private long _bytes;
    private JsonReaderState _state;
    private bool _sawFirstToken;
    private bool _completed;
    private readonly ManifestFacts _facts = new();
    private ManifestFacts.Section _section;
    private ManifestFacts.MetadataField _metadataField;

    /// <param name="computeSha256">Also hash the bytes (SHA-256) as they pass.</param>
    /// <summary>
    /// A reader fed with <see cref="Append"/>: every token is read with <see cref="Utf8JsonReader"/>, so a
    /// broken file is described exactly (what, line, column) without being read twice. For a file on disk,
    /// <see cref="ReadFileAsync"/> is faster: it decides with a structural scanner and explains from the file.
    /// </summary>
    public DbtManifestReader(bool computeSha256 = false)
        : this(computeSha256, precise: true)
    {
    }

    /// <param name="computeSha256">Also hash the bytes.</param>
    /// <param name="precise">Read every token with <see cref="Utf8JsonReader"/>: slower, and says exactly what is wrong and where.</param>
    internal DbtManifestReader(bool computeSha256, bool precise)
    {
        _hash = ManifestHash.Create(computeSha256 ? ManifestHashKind.Sha256 : ManifestHashKind.None);
        _scanner = precise ? null : new ManifestScanner { OnSchemaVersion = url => ThrowIfNotAManifestSchema(url) };
        if (precise)
        {
            _state = new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = MaxDepth });
        }
    }

    /// <summary>Reads a whole file. Throws <see cref="DbtManifestException"/> when it is not a usable manifest.</summary>
    public static Task<DbtManifestInfo> ReadFileAsync(string path, bool computeSha256 = false, CancellationToken cancellationToken = default) =>
        ReadFileHashedAsync(path, computeSha256 ? ManifestHashKind.Sha256 : ManifestHashKind.None, cancellationToken);

    /// <summary>Reads a whole file as <see cref="ReadFileAsync"/> does, taking the hash of the kind given.</summary>
    internal static async Task<DbtManifestInfo> ReadFileHashedAsync(string path, ManifestHashKind hash, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadWholeFileAsync(path, hash, precise: false, cancellationToken).ConfigureAwait(false);
        }
        catch (DbtManifestException fast) when (fast.NeedsExplanation)
        {
            await ExplainAsync(path, fast, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The fast check found the file broken: read it again with <see cref="Utf8JsonReader"/>, which says
    /// what is wrong and where, and throw that. Should the file read well now (it changed meanwhile), the
    /// fast check's own finding is thrown.
    /// </summary>
    internal static async Task ExplainAsync(string path, DbtManifestException fast, CancellationToken cancellationToken)
    {
        await ReadWholeFileAsync(path, ManifestHashKind.None, precise: true, cancellationToken).ConfigureAwait(false);
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(fast).Throw();
    }

    /// <summary>Reads a file through the reader, off the caller's thread; the hash, when asked for, on a second thread beside the check.</summary>
    private static Task<DbtManifestInfo> ReadWholeFileAsync(string path, ManifestHashKind hashKind, bool precise, CancellationToken cancellationToken) =>
        Task.Run(() => ReadWholeFile(path, hashKind, precise, cancellationToken), cancellationToken);

    /// <summary>
    /// Reads with plain reads (a local file in the page cache reads faster than an asynchronous read is
    /// scheduled) and checks each chunk, while <see cref="BackgroundHash"/> hashes it when asked.
    /// </summary>
    private static DbtManifestInfo ReadWholeFile(string path, ManifestHashKind hashKind, bool precise, CancellationToken cancellationToken)
    {
        const int ChunkSize = 1024 * 1024;
        var reader = new DbtManifestReader(computeSha256: false, precise);
        using var hash = hashKind == ManifestHashKind.None ? null : new BackgroundHash(hashKind, slots: 3, ChunkSize);
        var own = hash is null ? ArrayPool<byte>.Shared.Rent(ChunkSize) : null;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var buffer = hash?.Rent(cancellationToken) ?? own!;
                var read = file.Read(buffer, 0, ChunkSize);
                if (read == 0)
                {
                    break;
                }

                hash?.Add(buffer, read);
                reader.Append(buffer.AsSpan(0, read));
            }

            var info = reader.Complete();
            return hash is null ? info : info.WithHash(hashKind, hash.Finish());
        }
        finally
        {
            if (own is not null)
            {
                ArrayPool<byte>.Shared.Return(own);
            }
        }
    }

    /// <summary>Bytes seen so far.</summary>
    public long BytesRead => _bytes;

    /// <summary>Pushes the next chunk of the file. Throws <see cref="DbtManifestException"/> at the first malformed byte.</summary>
    public void Append(ReadOnlySpan<byte> chunk)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The reader is already complete.");
        }

        _bytes += chunk.Length;
        _hash?.Append(chunk);
        if (!_headDone)
        {
            // The first bytes say the encoding (a byte-order mark); they may arrive split across tiny chunks.
            var take = Math.Min(chunk.Length, _head.Length - _headLength);
            chunk[..take].CopyTo(_head.AsSpan(_headLength));
            _headLength += take;
            chunk = chunk[take..];
            if (_headLength < _head.Length)
            {
                return;
            }

            ParseHead();
        }

        Feed(chunk);
    }

    private void Feed(ReadOnlySpan<byte> chunk)
    {
        if (_scanner is null)
        {
            ParseChunk(chunk);
        }
        else
        {
            try
            {
                _scanner.Append(chunk);
            }
            catch (DbtManifestException)
            {
                _completed = true;
                throw;
            }
        }
    }

    /// <summary>Checks the encoding from the first bytes, then parses them (less a UTF-8 byte-order mark, which JSON readers accept).</summary>
    private void ParseHead()
    {
        _headDone = true;
        var head = _head.AsSpan(0, _headLength);
        if (OtherEncoding(head) is { } other)
        {
            _completed = true;
            throw new DbtManifestException(
                DbtManifestProblem.InvalidJson,
                $"The file is {other}, not UTF-8: dbt writes manifest.json in UTF-8, so it was re-encoded by something else (an editor, a PowerShell redirect). Regenerate it with `dbt parse`.",
                1, 0, 1);
        }

        if (head.StartsWith(Utf8Bom))
        {
            _consumedBefore = Utf8Bom.Length;
            head = head[Utf8Bom.Length..];
        }

        Feed(head);
    }

    private static string? OtherEncoding(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0, 0]) || head.StartsWith((ReadOnlySpan<byte>)[0, 0, 0xFE, 0xFF]))
        {
            return "UTF-32";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return "UTF-16";
        }

        // Without a mark, UTF-16 text of JSON has a zero byte beside each ASCII character.
        if (head.Length >= 2 && ((head[0] == 0) != (head[1] == 0)))
        {
            return "UTF-16";
        }

        return null;
    }

    private void ParseChunk(ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty)
        {
            return;
        }

        if (_pendingLength == 0)
        {
            var used = Parse(chunk, isFinalBlock: false);
            Keep(chunk[used..]);
            return;
        }

        // A token was split across chunks: join the tail of the last chunk with this one.
        EnsurePending(_pendingLength + chunk.Length);
        chunk.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += chunk.Length;
        var consumed = Parse(_pending.AsSpan(0, _pendingLength), isFinalBlock: false);
        _pending.AsSpan(consumed, _pendingLength - consumed).CopyTo(_pending);
        _pendingLength -= consumed;
    }

    /// <summary>Ends the file and says what it holds, or throws <see cref="DbtManifestException"/>.</summary>
    public DbtManifestInfo Complete()
    {
        if (_completed)
        {
            throw new InvalidOperationException("The reader is already complete.");
        }

        if (_bytes == 0)
        {
            _completed = true;
            throw new DbtManifestException(DbtManifestProblem.Empty, "The file is empty (0 bytes).");
        }

        if (!_headDone)
        {
            ParseHead();
        }

        _completed = true;
        if (_scanner is not null)
        {
            return CompleteFast(_scanner);
        }

        if (!_sawFirstToken && _pending.AsSpan(0, _pendingLength).Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new DbtManifestException(DbtManifestProblem.Empty, "The file holds only white space.");
        }

        Parse(_pending.AsSpan(0, _pendingLength), isFinalBlock: true);
        if (!_sawFirstToken)
        {
            throw new DbtManifestException(DbtManifestProblem.Empty, "The file holds only white space.");
        }

        return Finish(_facts);
    }

    /// <summary>What either path found, as a manifest's description; or not a manifest after all.</summary>
    private DbtManifestInfo Finish(ManifestFacts facts)
    {
        if (facts.SchemaVersionUrl is not { } url)
        {
            throw new DbtManifestException(
                DbtManifestProblem.NotAManifest,
                "The file is JSON but not a dbt manifest: it has no metadata.dbt_schema_version.");
        }

        return facts.ToInfo(ThrowIfNotAManifestSchema(url), _bytes, _hash?.Finish());
    }

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

    private int Parse(ReadOnlySpan<byte> data, bool isFinalBlock)
    {
        var before = _state;
        var reader = new Utf8JsonReader(data, isFinalBlock, _state);
        try
        {
            while (reader.Read())
            {
                Observe(ref reader);
            }
        }
        catch (JsonException ex)
        {
            _completed = true;
            var what = NonJsonNumber(data[(int)reader.BytesConsumed..]) is { } word
                ? $"{word} is not JSON (Python's json writes it for a float that is not a number; JSON has no such value)"
                : isFinalBlock && IsSoundPrefix(data, before)
                    ? "the file ends before the JSON does (truncated?)"
                    : Describe(ex);
            throw new DbtManifestException(
                DbtManifestProblem.InvalidJson,
                $"The file is not valid JSON: {what} (line {(ex.LineNumber ?? 0) + 1}, byte {_consumedBefore + reader.BytesConsumed}).",
                (ex.LineNumber ?? 0) + 1,
                _consumedBefore + reader.BytesConsumed,
                (ex.BytePositionInLine ?? 0) + 1);
        }

        _state = reader.CurrentState;
        var used = (int)reader.BytesConsumed;
        _consumedBefore += used;
        return used;
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

    private void Observe(ref Utf8JsonReader reader)
    {
        if (!_sawFirstToken)
        {
            _sawFirstToken = true;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                _completed = true;
                throw new DbtManifestException(
                    DbtManifestProblem.NotAManifest,
                    $"The file is JSON but not a dbt manifest: its top level is {reader.TokenType}, not an object.");
            }

            return;
        }

        if (reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.CurrentDepth == 1)
            {
                _section = ManifestFacts.SectionOf(reader.GetString()!);
            }
            else if (reader.CurrentDepth == 2)
            {
                _facts.CountEntry(_section);
                if (_section == ManifestFacts.Section.Metadata)
                {
                    _metadataField = ManifestFacts.MetadataFieldOf(reader.GetString()!);
                }
            }

            return;
        }

        if (_metadataField != ManifestFacts.MetadataField.None)
        {
            // The value right after a metadata property we care about.
            if (reader.TokenType == JsonTokenType.String)
            {
                _facts.Keep(_metadataField, reader.GetString()!);
                if (_metadataField == ManifestFacts.MetadataField.SchemaVersion)
                {
                    // dbt writes metadata first: another artifact is known at once, long before its end.
                    ThrowIfNotAManifestSchema(_facts.SchemaVersionUrl!);
                }
            }

            _metadataField = ManifestFacts.MetadataField.None;
        }
    }

    private DbtManifestInfo CompleteFast(ManifestScanner scanner)
    {
        scanner.Complete();
        if (!scanner.SawValue)
        {
            throw new DbtManifestException(DbtManifestProblem.Empty, "The file holds only white space.");
        }

        return Finish(scanner.Facts);
    }

    /// <summary>The manifest schema's version from its URL (<c>…/manifest/v12.json</c>), or throws: another artifact, or some other file.</summary>
    private int ThrowIfNotAManifestSchema(string schemaVersionUrl)
    {
        if (ManifestSchemaVersion(schemaVersionUrl) is { } version)
        {
            return version;
        }

        _completed = true;
        var kind = ArtifactKind().Match(schemaVersionUrl);
        var what = kind.Success ? $"a dbt {kind.Groups[1].Value} artifact" : "some other file";
        throw new DbtManifestException(
            DbtManifestProblem.NotAManifest,
            $"The file is JSON but not a dbt manifest: metadata.dbt_schema_version is '{schemaVersionUrl}', which names {what}.");
    }

    /// <summary>
    /// Read by hand rather than with a regular expression: every check reads it, and the first use of
    /// one costs a fresh build process more than the rest of a small manifest's check.
    /// </summary>
    internal static int? ManifestSchemaVersion(string url)
    {
        const string Marker = "/manifest/v", Suffix = ".json";
        var at = url.LastIndexOf(Marker, StringComparison.Ordinal);
        if (at < 0 || !url.EndsWith(Suffix, StringComparison.Ordinal) || url.Length - Suffix.Length < at + Marker.Length)
        {
            return null;
        }

        var digits = url.AsSpan(at + Marker.Length, url.Length - Suffix.Length - at - Marker.Length);
        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange('0', '9')
            && int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? version
            : null;
    }

    private void Keep(ReadOnlySpan<byte> tail)
    {
        EnsurePending(tail.Length);
        tail.CopyTo(_pending);
        _pendingLength = tail.Length;
    }

    private void EnsurePending(int size)
    {
        if (_pending.Length < size)
        {
            Array.Resize(ref _pending, Math.Max(size, Math.Max(4096, _pending.Length * 2)));
        }
    }

    private static string Describe(JsonException ex)
    {
        // The reader's message ends with its own position (relative to one chunk); ours is for the file.
        var message = ex.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }

    [GeneratedRegex(@"/dbt/([a-z0-9_-]+)/v\d+\.json$", RegexOptions.CultureInvariant)]
    private static partial Regex ArtifactKind();
}
