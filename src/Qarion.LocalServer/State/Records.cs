using System.Text.Json.Nodes;

namespace Qarion.LocalServer.State;

/// <summary>What the server read from an uploaded manifest.</summary>
public sealed record ManifestSummary(string SchemaVersion, string? DbtVersion, int Nodes, int Sources, int Macros, int Exposures, int Metrics);

/// <summary>One upload as it arrived: tests compare its hash with the file they sent.</summary>
public sealed record ReceivedUpload(
    string Space, string ConnectorId, string FieldName, string? FileName, string? ContentType,
    long Bytes, string Sha256, string? JobId, string? Problem);

/// <summary>
/// An upload that did not arrive whole (the client stopped it, or the connection dropped): how much of
/// the file part the server had received, so tests can prove a bad file never arrived complete.
/// </summary>
public sealed record AbortedUpload(string Space, string ConnectorId, long BytesReceived);

/// <summary>One API request, for tests to assert what the server received.</summary>
public sealed record RecordedRequest(string Method, string Path, int Status, bool HadAuthorization, string? UserAgent, DateTimeOffset At)
{
    /// <summary>The Accept header as sent (empty when there was none).</summary>
    public string Accept { get; init; } = "";
}

/// <summary>A sync job; it goes queued → running → succeeded or failed in the background.</summary>
public sealed class ServerSyncJob(string id, string space, string connectorId, DateTimeOffset createdAt, ManifestSummary? manifest, string? failure)
{
    public string Id { get; } = id;

    public string Space { get; } = space;

    public string ConnectorId { get; } = connectorId;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public ManifestSummary? Manifest { get; } = manifest;

    /// <summary>Why the job will fail, decided when it was created.</summary>
    public string? Failure { get; } = failure;

    public string Status { get; set; } = "queued";

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public int TablesAdded { get; set; }

    public int TablesUpdated { get; set; }

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["id"] = Id,
            ["connector_id"] = ConnectorId,
            ["status"] = Status,
            ["created_at"] = CreatedAt.ToString("O"),
            ["started_at"] = StartedAt?.ToString("O"),
            ["finished_at"] = FinishedAt?.ToString("O"),
            ["tables_added"] = Status == "succeeded" ? TablesAdded : 0,
            ["tables_updated"] = Status == "succeeded" ? TablesUpdated : 0,
            ["tables_deleted"] = 0,
            ["warnings"] = new JsonArray(),
            ["error_message"] = Status == "failed" ? Failure : null,
        };
        if (Manifest is not null)
        {
            json["manifest"] = new JsonObject
            {
                ["dbt_schema_version"] = Manifest.SchemaVersion,
                ["dbt_version"] = Manifest.DbtVersion,
                ["nodes"] = Manifest.Nodes,
                ["sources"] = Manifest.Sources,
                ["macros"] = Manifest.Macros,
                ["exposures"] = Manifest.Exposures,
                ["metrics"] = Manifest.Metrics,
            };
        }

        return json;
    }
}
