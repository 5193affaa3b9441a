using System.Text.Json;
using System.Text.Json.Serialization;

namespace Qarion.Client;

/// <summary>
/// A background metadata sync. Upload and sync may answer with an empty body or only an id, so every
/// field is optional. Fields the client does not know are kept in <see cref="ExtensionData"/>.
/// </summary>
[JsonConverter(typeof(Json.SyncJobConverter))]
public sealed class SyncJob
{
    public string? Id { get; set; }

    public string? ConnectorId { get; set; }

    /// <summary>The server's status, an open string; see <see cref="State"/> for its meaning.</summary>
    public string? Status { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public int? TablesAdded { get; set; }

    public int? TablesUpdated { get; set; }

    public int? TablesDeleted { get; set; }

    /// <summary>Warnings as the server sent them (usually a list of strings).</summary>
    public JsonElement? Warnings { get; set; }

    public string? ErrorMessage { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    /// <summary>The status read case-insensitively: done, failed, or (anything else) still in progress.</summary>
    [JsonIgnore]
    public SyncJobState State => SyncJobStates.Parse(Status);

    public override string ToString() => $"sync job {Id ?? "(no id)"}: {Status ?? "(no status)"}";
}

/// <summary>What a job's open <c>status</c> string means.</summary>
public enum SyncJobState
{
    InProgress,
    Succeeded,
    Failed,
}

internal static class SyncJobStates
{
    public static SyncJobState Parse(string? status) => status?.Trim().ToLowerInvariant() switch
    {
        "success" or "succeeded" or "completed" => SyncJobState.Succeeded,
        "failure" or "failed" or "error" => SyncJobState.Failed,
        _ => SyncJobState.InProgress,
    };
}

/// <summary>One page of a space's sync history, whatever shape the server used.</summary>
public sealed record SyncHistoryPage(IReadOnlyList<SyncJob> Items, int? Total, int Page, int? Size);
