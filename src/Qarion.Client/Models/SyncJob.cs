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
    /// <summary>The job's id; null when the answer carried none (an upload may answer with an empty body).</summary>
    public string? Id { get; set; }

    /// <summary>The connector the job syncs.</summary>
    public string? ConnectorId { get; set; }

    /// <summary>The server's status, an open string; see <see cref="State"/> for its meaning.</summary>
    public string? Status { get; set; }

    /// <summary>When the job was queued.</summary>
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>When the job started running.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When the job finished, either way.</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Tables the sync added to the catalog.</summary>
    public int? TablesAdded { get; set; }

    /// <summary>Tables the sync updated.</summary>
    public int? TablesUpdated { get; set; }

    /// <summary>Tables the sync removed.</summary>
    public int? TablesDeleted { get; set; }

    /// <summary>Warnings as the server sent them (usually a list of strings).</summary>
    public JsonElement? Warnings { get; set; }

    /// <summary>Why the job failed, when it did.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>Every field the client does not know, or that came with an unexpected type, kept as sent.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    /// <summary>The status read case-insensitively: done, failed, or (anything else) still in progress.</summary>
    [JsonIgnore]
    public SyncJobState State => SyncJobStates.Parse(Status);

    /// <summary>The id and status, for logs.</summary>
    public override string ToString() => $"sync job {Id ?? "(no id)"}: {Status ?? "(no status)"}";
}

/// <summary>What a job's open <c>status</c> string means.</summary>
public enum SyncJobState
{
    /// <summary>Queued, running, or any status the client does not know: not finished.</summary>
    InProgress,
    /// <summary>Finished well: <c>success</c>, <c>succeeded</c> or <c>completed</c>.</summary>
    Succeeded,
    /// <summary>Finished badly: <c>failure</c>, <c>failed</c> or <c>error</c>; see <see cref="SyncJob.ErrorMessage"/>.</summary>
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
