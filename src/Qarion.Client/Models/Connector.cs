using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Qarion.Client;

/// <summary>
/// A connector in a space, read tolerantly: fields the client does not know, and known fields sent with
/// an unexpected type (their typed property then stays null or empty), are kept raw in
/// <see cref="ExtensionData"/> and written back unchanged.
/// </summary>
[JsonConverter(typeof(Json.ConnectorConverter))]
public sealed class Connector
{
    /// <summary>The connector's id; empty when the server sent none (or a value that is not an id, kept in <see cref="ExtensionData"/>).</summary>
    public string Id { get; set; } = "";

    /// <summary>The connector's name, unique in its space; empty when the server sent none.</summary>
    public string Name { get; set; } = "";

    /// <summary>The connector's type, an open set of strings (<c>dbt_manifest</c>, <c>postgres</c>, …); never assume a closed list.</summary>
    public string ConnectorType { get; set; } = "";

    /// <summary>The connector's free-form configuration; null when absent (or not an object: then kept in <see cref="ExtensionData"/>).</summary>
    public JsonObject? Config { get; set; }

    /// <summary>Whether the connector is active; null when not sent or not a boolean.</summary>
    public bool? IsActive { get; set; }

    /// <summary>How many data products the connector has produced; null when not sent or not a whole number.</summary>
    public int? ProductCount { get; set; }

    /// <summary>When the connector last synced; null when it never did, or the value was not a time.</summary>
    public DateTimeOffset? LastSync { get; set; }

    /// <summary>When the connector was created (ISO-8601 or a Unix time on the wire).</summary>
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>The source system the connector belongs to, when it has one.</summary>
    public string? SourceSystemId { get; set; }

    /// <summary>The connector's sync settings, when the server sends them as an object.</summary>
    public JsonObject? SyncConfig { get; set; }

    /// <summary>Every field of the server's object that has no property here, written back unchanged on serialization.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    /// <summary>The name, type and id, for logs.</summary>
    public override string ToString() => $"{Name} ({ConnectorType}, {Id})";
}
