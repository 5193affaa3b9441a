using System.Text.Json;
using System.Text.Json.Serialization;

namespace Qarion.Build.Upload;

/// <summary>
/// What a developer build last checked, kept under obj/ beside the upload stamp: a manifest of the same
/// size and time is taken as checked and not read again (as MSBuild's own incrementality assumes).
/// </summary>
internal sealed record CheckStamp(
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("last_write_utc")] DateTime LastWriteUtc,
    [property: JsonPropertyName("schema_version")] int SchemaVersion,
    [property: JsonPropertyName("dbt_version")] string? DbtVersion,
    [property: JsonPropertyName("nodes")] long Nodes)
{
    public static CheckStamp? Read(string? path)
    {
        if (path is null || !File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), CheckStampJson.Default.CheckStamp);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            // A damaged record only costs one read of the manifest.
            return null;
        }
    }

    /// <summary>Best effort: a record that cannot be written costs the next build one read, nothing else.</summary>
    public void TryWrite(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(this, CheckStampJson.Default.CheckStamp));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(CheckStamp))]
internal sealed partial class CheckStampJson : JsonSerializerContext
{
}
