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

    public string Name { get; set; } = "";

    /// <summary>An open set of strings (<c>dbt_manifest</c>, <c>postgres</c>, …); never assume a closed list.</summary>
    public string ConnectorType { get; set; } = "";

    public JsonObject? Config { get; set; }

    public bool? IsActive { get; set; }

    public int? ProductCount { get; set; }

    public DateTimeOffset? LastSync { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public string? SourceSystemId { get; set; }

    public JsonObject? SyncConfig { get; set; }

    /// <summary>Every field of the server's object that has no property here, written back unchanged on serialization.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    public override string ToString() => $"{Name} ({ConnectorType}, {Id})";
}
