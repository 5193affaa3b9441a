using System.Text.Json;

namespace Qarion.Dbt.Manifests;

/// <summary>
/// The nodes a run's results name, read from a manifest of any size in one streamed pass with
/// <see cref="Utf8JsonReader"/>: under <c>nodes</c> and <c>unit_tests</c>, each node's name, resource
/// type, package and defining file; and <c>metadata.project_name</c>. Memory is a buffer and the nodes kept.
/// </summary>
internal sealed class ManifestNodes
{
    private const int ChunkSize = 1 << 20;

    private readonly HashSet<string> _wanted;
    private readonly Dictionary<string, Dictionary<string, string>> _found = new(StringComparer.Ordinal);
    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = DbtManifestCheck.MaxDepth });
    private string? _section;
    private string? _metadataField;
    private string? _projectName;
    private Dictionary<string, string>? _node;
    private string? _field;

    private ManifestNodes(HashSet<string> wanted) => _wanted = wanted;

    public static (Dictionary<string, DbtNode> Nodes, string? ProjectName) Read(string path, HashSet<string> wanted, CancellationToken cancellationToken)
    {
        var pass = new ManifestNodes(wanted);
        try
        {
            using var file = DbtManifestFile.OpenRead(path);
            pass.Run(file, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new DbtRunResultsException($"{path}, the manifest of the run, is not valid JSON (line {(ex.LineNumber ?? 0) + 1}), so the results cannot be put on their files. Run dbt again.", path, ex);
        }
        catch (DbtManifestException ex)
        {
            throw new DbtRunResultsException(ex.Message, path, ex);
        }

        var nodes = new Dictionary<string, DbtNode>(StringComparer.Ordinal);
        foreach (var (id, fields) in pass._found)
        {
            if (fields.TryGetValue("original_file_path", out var file))
            {
                nodes[id] = new DbtNode(
                    fields.GetValueOrDefault("name") ?? id, fields.GetValueOrDefault("resource_type") ?? "", fields.GetValueOrDefault("package_name") ?? "", file);
            }
        }

        return (nodes, pass._projectName);
    }

    private void Run(FileStream file, CancellationToken cancellationToken)
    {
        var buffer = new byte[ChunkSize];
        var length = 0;
        var first = true;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (length == buffer.Length)
            {
                // One token longer than the buffer (a huge string): room for it, as the reader needs it whole.
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = DbtManifestFile.Read(file.Name, file, buffer.AsSpan(length));
            var start = 0;
            if (first && read >= 3 && buffer.AsSpan(0, 3).SequenceEqual(DbtManifestCheck.Utf8Bom))
            {
                start = 3;
            }

            first = false;
            length += read;
            var data = buffer.AsSpan(start, length - start);
            var used = Parse(data, isFinalBlock: read == 0);
            data[used..].CopyTo(buffer);
            length = data.Length - used;
            if (read == 0)
            {
                return;
            }
        }
    }

    private int Parse(ReadOnlySpan<byte> data, bool isFinalBlock)
    {
        var reader = new Utf8JsonReader(data, isFinalBlock, _state);
        while (reader.Read())
        {
            Observe(ref reader);
        }

        _state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    private void Observe(ref Utf8JsonReader reader)
    {
        var depth = reader.CurrentDepth;
        if (reader.TokenType == JsonTokenType.PropertyName)
        {
            switch (depth)
            {
                case 1:
                    // A new section: the last node of the one before is done (sources and macros have names and files too).
                    _section = reader.GetString();
                    _node = null;
                    break;
                case 2 when _section is "nodes" or "unit_tests":
                    var id = reader.GetString()!;
                    _node = _wanted.Contains(id) ? (_found[id] = new Dictionary<string, string>(StringComparer.Ordinal)) : null;
                    break;
                case 2 when _section == "metadata":
                    _metadataField = reader.GetString();
                    break;
                case 3 when _node is not null:
                    _field = reader.GetString();
                    break;
            }

            return;
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            if (depth == 2 && _section == "metadata" && _metadataField == "project_name")
            {
                _projectName = reader.GetString();
            }
            else if (depth == 3 && _node is not null && _field is "name" or "resource_type" or "package_name" or "original_file_path")
            {
                _node[_field] = reader.GetString()!;
            }
        }

        if (depth <= 3)
        {
            _field = null;
        }
    }
}
