using System.Text.Json;
using System.Text.Json.Nodes;
using Qarion.Files;
using Qarion.Workflow;

namespace Qarion.Cli.Commands;

/// <summary>The values of --config and --field: JSON as typed, or read from a file given as @path. Every bad one is QRN5002 with what to fix.</summary>
internal static class FieldValues
{
    /// <summary>A --config file larger than this is not a connector's config.</summary>
    public const int MaxFileBytes = 1 << 20;

    public static JsonObject? Object(string option, string? value)
    {
        if (value is null)
        {
            return null;
        }

        var (text, from) = value.StartsWith('@') ? (ReadFile(option, value[1..]), $"the file {value[1..]}") : (value, "the text given");
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw Bad($"{option}: {from} is not valid JSON ({ex.Message}). Give a JSON object, e.g. {option} '{{\"project\":\"analytics\"}}', or @file.json.");
        }

        return node as JsonObject ?? throw Bad($"{option}: {from} is JSON but not an object ({node?.GetValueKind().ToString().ToLowerInvariant() ?? "null"}). Give a JSON object, e.g. {{\"project\":\"analytics\"}}.");
    }

    /// <summary>--field name=value, repeated: the value as JSON when it is JSON (true, 3, {"a":1}, "007"), else as text.</summary>
    public static Dictionary<string, JsonElement> Fields(IEnumerable<string>? given)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var field in given ?? [])
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Bad($"--field '{field}' is not name=value. Give each extra field as --field name=value, e.g. --field owner=data-team.");
            }

            var name = field[..equals].Trim();
            if (!fields.TryAdd(name, Value(field[(equals + 1)..])))
            {
                throw Bad($"--field {name} is given twice; give it once.");
            }
        }

        return fields;
    }

    private static JsonElement Value(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(text);
        }
    }

    private static string ReadFile(string option, string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            if (!File.Exists(full))
            {
                throw Bad($"{option}: the file {path} does not exist. Give the path of a JSON file after @, or the JSON itself.");
            }

            if (FileKind.NotRegular(full) is { } kind)
            {
                throw Bad($"{option}: {path} is {kind}, not a regular file; only a regular file is read.");
            }

            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (stream.Length > MaxFileBytes)
            {
                throw Bad($"{option}: the file {path} is {Qarion.Workflow.CallLines.Size(stream.Length)}, more than a connector's config can be (at most {MaxFileBytes / 1024} KB).");
            }

            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw Bad($"{option}: the file {path} could not be read ({ex.Message}).");
        }
    }

    private static UploadFailure Bad(string message) => UploadFailure.Config(Codes.BadOptionValue, message);
}
