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
    public static CheckStamp? Read(string? path) => StampFiles.Read(path, StampJson.Default.CheckStamp);

    /// <summary>Best effort: a record that cannot be written costs the next build one read, nothing else.</summary>
    public void TryWrite(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            StampFiles.Write(path, this, StampJson.Default.CheckStamp);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}
