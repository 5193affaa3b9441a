using System.Text.Json.Serialization;

namespace Qarion.Build.Upload;

/// <summary>
/// What the last successful upload sent, kept under obj/ so an unchanged manifest is not sent again.
/// It holds no secret: the manifest's hash (XXH64, see <see cref="Client.Manifests.ManifestHashKind.Xxh64"/>) and
/// size, and where it went. A stamp from before the hash was XXH64 has none: it costs one upload.
/// </summary>
internal sealed record UploadStamp(
    [property: JsonPropertyName("xxh64")] string? Fingerprint,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("last_write_utc")] DateTime LastWriteUtc,
    [property: JsonPropertyName("api_url")] string ApiUrl,
    [property: JsonPropertyName("space")] string Space,
    [property: JsonPropertyName("connector")] string Connector,
    [property: JsonPropertyName("connector_id")] string? ConnectorId,
    [property: JsonPropertyName("sync_job_id")] string? SyncJobId,
    [property: JsonPropertyName("uploaded_at")] DateTimeOffset UploadedAt)
{
    /// <summary>What the manifest was, for the lines and rows of a build that skips it without reading it (absent in older stamps).</summary>
    [JsonPropertyName("manifest")]
    public StampedFacts? Facts { get; init; }

    /// <summary>Same time as when it was uploaded (size compared apart): unchanged without reading it, as MSBuild's own incrementality assumes.</summary>
    public bool SameFileTime(DateTime lastWriteUtc) => LastWriteUtc == lastWriteUtc;

    public static UploadStamp? Read(string? path) => StampFiles.Read(path, StampJson.Default.UploadStamp);

    public void Write(string path) => StampFiles.Write(path, this, StampJson.Default.UploadStamp);
}

/// <summary>The manifest's facts as the upload found them.</summary>
internal sealed record StampedFacts(
    [property: JsonPropertyName("schema_version")] int SchemaVersion,
    [property: JsonPropertyName("dbt_version")] string? DbtVersion,
    [property: JsonPropertyName("nodes")] long Nodes);

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(UploadStamp))]
[JsonSerializable(typeof(CheckStamp))]
internal sealed partial class StampJson : JsonSerializerContext
{
}
