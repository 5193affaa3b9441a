using System.Buffers;

namespace Qarion.Dbt.Manifests;

/// <summary>
/// Checks a dbt manifest in one forward pass over chunks pushed into it, so a file of any size is
/// checked with memory bounded by a few buffers: one JSON document in UTF-8 (as
/// <see cref="System.Text.Json.Utf8JsonReader"/> reads it), an object whose
/// <c>metadata.dbt_schema_version</c> names a manifest schema, with its counts and dbt version. Key order
/// is not assumed: the metadata may come after the nodes. Feed it with <see cref="Append"/>, then call
/// <see cref="Complete"/>; or check a file with <see cref="CheckFileAsync"/>.
/// </summary>
/// <remarks>
/// The decision is a structural scanner's (vector instructions, about a gigabyte a second a core). It
/// says where a broken file breaks, not what is there; with <see cref="DbtManifestCheckOptions.ExplainFrom"/>
/// the file is read again to say that too, with line and column.
/// </remarks>
public sealed partial class DbtManifestCheck
{
    /// <summary>
    /// dbt's <c>meta</c> and <c>config</c> are user-defined and may nest deeply; the JSON reader's own
    /// default of 64 refused valid files. Depth costs one bit per level, so a high limit keeps memory bounded.
    /// </summary>
    public const int MaxDepth = 4096;

    internal static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    private readonly ManifestScanner _scanner;
    private readonly Xxh64? _hash;
    private readonly string? _expectedFingerprint;
    private readonly string? _explainFrom;
    private readonly byte[] _head = new byte[4];
    private int _headLength;
    private bool _headDone;
    private long _bytes;
    private bool _completed;

    /// <summary>A finding held back until the fingerprint is known: when the bytes are not the ones checked before, that is the cause.</summary>
    private DbtManifestException? _held;

    /// <summary>A check fed with <see cref="Append"/>.</summary>
    public DbtManifestCheck(DbtManifestCheckOptions? options = null)
        : this(options, hashHere: options is { Fingerprint: true } or { ExpectedFingerprint: not null })
    {
    }

    /// <param name="options">What to do besides deciding.</param>
    /// <param name="hashHere">Take the fingerprint in <see cref="Append"/> (false: the caller hashes elsewhere, as a file's check does on a thread of its own).</param>
    private DbtManifestCheck(DbtManifestCheckOptions? options, bool hashHere)
    {
        _hash = hashHere ? new Xxh64() : null;
        _expectedFingerprint = options?.ExpectedFingerprint;
        _explainFrom = options?.ExplainFrom;
        _scanner = new ManifestScanner { OnSchemaVersion = url => SchemaVersionOrThrow(url) };
    }

    /// <summary>Bytes seen so far.</summary>
    public long BytesRead => _bytes;

    /// <summary>
    /// Checks a whole file, off the caller's thread; the fingerprint, when asked for, on a second thread
    /// beside the check. A broken file is explained with line and column. Throws
    /// <see cref="FileNotFoundException"/> when nothing is there, and <see cref="DbtManifestException"/>
    /// when the file is not a usable manifest or cannot be read (<see cref="DbtManifestProblem.Unreadable"/>).
    /// </summary>
    public static Task<DbtManifestInfo> CheckFileAsync(string path, DbtManifestCheckOptions? options = null, CancellationToken cancellationToken = default)
    {
        var file = DbtManifestFile.Find(path);
        return Task.Run(() => CheckFile(file.FullPath, options, cancellationToken), cancellationToken);
    }

    /// <summary>Pushes the next chunk of the file. Throws <see cref="DbtManifestException"/> at the first byte that settles the file is unusable.</summary>
    public void Append(ReadOnlySpan<byte> chunk)
    {
        ThrowIfCompleted();
        _bytes += chunk.Length;
        _hash?.Append(chunk);
        if (_held is not null)
        {
            return;
        }

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

            Scan(Head());
        }

        Scan(chunk);
    }

    /// <summary>Ends the file and says what it holds, or throws <see cref="DbtManifestException"/>.</summary>
    public DbtManifestInfo Complete() => CompleteWith(fingerprint: null);

    private DbtManifestInfo CompleteWith(string? fingerprint)
    {
        ThrowIfCompleted();
        fingerprint ??= _hash?.FinishHex();
        if (_expectedFingerprint is not null && !string.Equals(fingerprint, _expectedFingerprint, StringComparison.OrdinalIgnoreCase))
        {
            _completed = true;
            throw new DbtManifestException(
                DbtManifestProblem.Changed,
                $"The bytes have another fingerprint than those checked before (XXH64 {fingerprint}, not {_expectedFingerprint}, over {_bytes:N0} bytes): the file changed in between.");
        }

        if (_held is { } held)
        {
            throw Failed(held);
        }

        if (_bytes == 0)
        {
            throw Failed(new DbtManifestException(DbtManifestProblem.Empty, "The file is empty (0 bytes)."));
        }

        if (!_headDone)
        {
            Scan(Head());
        }

        Decide(_scanner.Complete);
        _completed = true;
        if (!_scanner.SawValue)
        {
            throw Messages.OnlyWhiteSpace();
        }

        var facts = _scanner.Facts;
        if (facts.SchemaVersionUrl is not { } url)
        {
            throw new DbtManifestException(
                DbtManifestProblem.NotAManifest,
                "The file is JSON but not a dbt manifest: it has no metadata.dbt_schema_version.");
        }

        return facts.ToInfo(SchemaVersionOrThrow(url), _bytes, fingerprint);
    }

    /// <summary>
    /// Reads with plain reads (a local file in the page cache reads faster than an asynchronous read is
    /// scheduled) and checks each chunk, while <see cref="BackgroundHash"/> takes the fingerprint when asked.
    /// </summary>
    private static DbtManifestInfo CheckFile(string path, DbtManifestCheckOptions? options, CancellationToken cancellationToken)
    {
        const int ChunkSize = 1024 * 1024;
        var hashed = options is { Fingerprint: true } or { ExpectedFingerprint: not null };
        var check = new DbtManifestCheck(
            new DbtManifestCheckOptions { ExpectedFingerprint = options?.ExpectedFingerprint, ExplainFrom = path }, hashHere: false);
        using var hash = hashed ? new BackgroundHash(slots: 3, ChunkSize) : null;
        var own = hash is null ? ArrayPool<byte>.Shared.Rent(ChunkSize) : null;
        try
        {
            using var file = DbtManifestFile.OpenRead(path);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var buffer = hash?.Rent(cancellationToken) ?? own!;
                var read = DbtManifestFile.Read(path, file, buffer.AsSpan(0, ChunkSize));
                if (read == 0)
                {
                    break;
                }

                hash?.Add(buffer, read);
                check.Append(buffer.AsSpan(0, read));
            }

            return check.CompleteWith(hash?.Finish());
        }
        finally
        {
            if (own is not null)
            {
                ArrayPool<byte>.Shared.Return(own);
            }
        }
    }

    /// <summary>The first bytes, once the encoding is known to be UTF-8 (less a byte-order mark, which JSON readers accept).</summary>
    private ReadOnlySpan<byte> Head()
    {
        _headDone = true;
        var head = _head.AsSpan(0, _headLength);
        if (OtherEncoding(head) is { } other)
        {
            Found(Messages.OtherEncoding(other));
            return [];
        }

        return head.StartsWith(Utf8Bom) ? head[Utf8Bom.Length..] : head;
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

    private void Scan(ReadOnlySpan<byte> chunk)
    {
        if (_held is not null)
        {
            return;
        }

        try
        {
            _scanner.Append(chunk);
        }
        catch (DbtManifestException found)
        {
            Found(found);
        }
    }

    /// <summary>
    /// The bytes are unusable. Said at once, unless they must match bytes checked before: then the rest
    /// is only fingerprinted, and <see cref="Complete"/> says which is true, a changed file or this.
    /// </summary>
    private void Found(DbtManifestException found)
    {
        if (_expectedFingerprint is null)
        {
            throw Failed(found);
        }

        _held = found;
    }

    private void Decide(Action step)
    {
        try
        {
            step();
        }
        catch (DbtManifestException found)
        {
            throw Failed(found);
        }
    }

    /// <summary>The check is over: a finding that says only where is explained from the file, when there is one.</summary>
    private DbtManifestException Failed(DbtManifestException found)
    {
        _completed = true;
        return found.NeedsExplanation && _explainFrom is { } path ? ManifestExplainer.Explain(path, found) : found;
    }

    private void ThrowIfCompleted()
    {
        if (_completed)
        {
            throw new InvalidOperationException("The check is already complete.");
        }
    }

    /// <summary>The manifest schema's version from its URL (<c>…/manifest/v12.json</c>), or throws: another artifact, or some other file.</summary>
    private static int SchemaVersionOrThrow(string schemaVersionUrl)
    {
        if (ManifestSchemaVersion(schemaVersionUrl) is { } version)
        {
            return version;
        }

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
    internal static int? ManifestSchemaVersion(string url) => ArtifactSchemaVersion(url, "manifest");

    /// <summary>The N of a dbt artifact's schema URL, <c>…/&lt;artifact&gt;/vN.json</c>, in ASCII digits; null for any other URL.</summary>
    internal static int? ArtifactSchemaVersion(string url, string artifact)
    {
        var marker = "/" + artifact + "/v";
        const string Suffix = ".json";
        var at = url.LastIndexOf(marker, StringComparison.Ordinal);
        // The marker ends with 'v', which ".json" does not hold: found before a suffix it is, it ends before it.
        if (at < 0 || !url.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return null;
        }

        return VersionDigits(url.AsSpan(at + marker.Length, url.Length - Suffix.Length - at - marker.Length));
    }

    /// <summary>ASCII digits only: with no styles allowed, parsing takes no sign, space, separator or other script's digits.</summary>
    private static int? VersionDigits(ReadOnlySpan<char> digits) =>
        int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? version
            : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"/dbt/([a-z0-9_-]+)/v\d+\.json$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ArtifactKind();
}
