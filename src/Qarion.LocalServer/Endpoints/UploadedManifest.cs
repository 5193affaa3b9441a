using System.Text.Json;
using Qarion.LocalServer.State;

namespace Qarion.LocalServer.Endpoints;

/// <summary>
/// The server's own judgement of an uploaded manifest, as an independent catalog would make it: JSON
/// read as it arrives (System.Text.Json's reader, resumed chunk by chunk), a top-level object whose
/// metadata names a manifest schema, and the entries of the sections a sync job reports. It shares no
/// code with the client on purpose: when both agree, two implementations agree.
/// </summary>
internal sealed class UploadedManifest
{
    private const string SchemaPrefix = "https://schemas.getdbt.com/dbt/manifest/";

    private readonly Dictionary<string, int> _entries = new(StringComparer.Ordinal);
    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = 4096 });
    // Bytes not yet read (a token cut by the chunk's end) followed by the new chunk; grown, never shrunk,
    // so a long upload allocates nothing per chunk.
    private byte[] _buffer = new byte[256 * 1024];
    private int _length;
    private string? _section;
    private string? _metadataField;
    private string? _schemaVersion;
    private string? _dbtVersion;
    private bool _sawObject;

    /// <summary>Why the upload is not a manifest, once known; then nothing more is read.</summary>
    public string? Problem { get; private set; }

    public void Append(ReadOnlySpan<byte> chunk)
    {
        if (Problem is not null)
        {
            return;
        }

        if (_length + chunk.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + chunk.Length));
        }

        chunk.CopyTo(_buffer.AsSpan(_length));
        _length += chunk.Length;
        var consumed = Read(_buffer.AsSpan(0, _length), isFinalBlock: false);
        _buffer.AsSpan(consumed, _length - consumed).CopyTo(_buffer);
        _length -= consumed;
    }

    /// <summary>The sync job's summary, or null with <see cref="Problem"/> set.</summary>
    public ManifestSummary? Complete()
    {
        if (Problem is null)
        {
            Read(_buffer.AsSpan(0, _length), isFinalBlock: true);
        }

        if (Problem is null && !_sawObject)
        {
            Problem = "The file holds no JSON.";
        }

        if (Problem is null && (_schemaVersion is null || !_schemaVersion.StartsWith(SchemaPrefix, StringComparison.Ordinal)))
        {
            Problem = $"metadata.dbt_schema_version is {(_schemaVersion is null ? "missing" : $"'{_schemaVersion}'")}, not a dbt manifest schema.";
        }

        return Problem is not null ? null : new ManifestSummary(
            _schemaVersion!, _dbtVersion, Count("nodes"), Count("sources"), Count("macros"), Count("exposures"), Count("metrics"));
    }

    private int Count(string section) => _entries.GetValueOrDefault(section);

    private int Read(ReadOnlySpan<byte> data, bool isFinalBlock)
    {
        var reader = new Utf8JsonReader(data, isFinalBlock, _state);
        try
        {
            while (reader.Read())
            {
                Take(ref reader);
            }
        }
        catch (JsonException ex)
        {
            Problem = ex.Message;
        }

        _state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    private void Take(ref Utf8JsonReader reader)
    {
        if (reader.CurrentDepth == 0 && reader.TokenType == JsonTokenType.StartObject)
        {
            _sawObject = true;
            return;
        }

        if (reader.CurrentDepth == 0 && reader.TokenType is not JsonTokenType.EndObject)
        {
            throw new JsonException($"The document is a {reader.TokenType}, not an object.");
        }

        if (reader.TokenType != JsonTokenType.PropertyName)
        {
            if (_metadataField is not null && reader.CurrentDepth == 2 && reader.TokenType == JsonTokenType.String)
            {
                var value = reader.GetString();
                if (_metadataField == "dbt_schema_version")
                {
                    _schemaVersion = value;
                }
                else
                {
                    _dbtVersion = value;
                }
            }

            _metadataField = null;
            return;
        }

        if (reader.CurrentDepth == 1)
        {
            _section = reader.GetString();
        }
        else if (reader.CurrentDepth == 2 && _section is not null)
        {
            _entries[_section] = _entries.GetValueOrDefault(_section) + 1;
            var name = reader.GetString();
            _metadataField = _section == "metadata" && name is ("dbt_schema_version" or "dbt_version") ? name : null;
        }
    }
}
