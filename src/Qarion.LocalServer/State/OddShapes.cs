using System.Text.Json.Nodes;

namespace Qarion.LocalServer.State;

/// <summary>
/// Answers that are legal JSON but not in the exact types a strict client expects, as real servers
/// (and the contract's silences) allow: dates with a space or as Unix numbers, 12.0 for 12, "yes" for
/// true, null objects, ids as numbers or missing, and list entries that are not objects at all.
/// On with <c>--odd-shapes</c> or <see cref="CatalogState.OddShapes"/>.
/// </summary>
public static class OddShapes
{
    public static JsonObject Connector(JsonObject connector)
    {
        var odd = (JsonObject)connector.DeepClone();
        odd["last_sync"] = "2026-01-15 10:30:00+00:00";
        odd["created_at"] = 1768473000;
        odd["product_count"] = JsonNode.Parse("12.0");
        odd["is_active"] = "yes";
        odd["config"] = null;
        odd["sync_config"] = "hourly";
        return odd;
    }

    /// <summary>Entries a connector list may also hold: no id, a numeric id, and values that are not objects.</summary>
    public static IEnumerable<JsonNode?> ExtraConnectors() =>
    [
        new JsonObject { ["name"] = "no_id", ["connector_type"] = "postgres" },
        new JsonObject { ["id"] = 12345, ["name"] = "numeric_id", ["connector_type"] = 7 },
        "not a connector",
        42,
        null,
    ];

    public static JsonObject Job(JsonObject job)
    {
        var odd = (JsonObject)job.DeepClone();
        odd["created_at"] = 1768473000.5;
        odd["started_at"] = "2026-01-15 10:30:00+00:00";
        odd["tables_added"] = JsonNode.Parse($"{job["tables_added"]?.GetValue<int>() ?? 0}.0");
        odd["tables_deleted"] = "none";
        odd["warnings"] = "2 models have no description";
        odd["error_message"] = odd["error_message"] is null ? null : new JsonObject { ["message"] = odd["error_message"]!.DeepClone() };
        return odd;
    }

    /// <summary>Entries a sync history may also hold: a numeric id, a null status, and a value that is not an object.</summary>
    public static IEnumerable<JsonNode?> ExtraJobs() =>
    [
        new JsonObject { ["id"] = 987, ["status"] = "succeeded" },
        new JsonObject { ["id"] = "00000000-0000-0000-0000-000000000000", ["status"] = null },
        "not a job",
    ];
}
