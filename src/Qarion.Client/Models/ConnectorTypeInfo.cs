using System.Text.Json;
using System.Text.Json.Serialization;

namespace Qarion.Client;

/// <summary>One entry of <c>GET /connector-types</c>: a type a connector may have (an open list).</summary>
[JsonConverter(typeof(Json.ConnectorTypeInfoConverter))]
public sealed class ConnectorTypeInfo
{
    /// <summary>The string to pass as a connector's type, e.g. <c>dbt_manifest</c>.</summary>
    public string Value { get; set; } = "";

    public string? Label { get; set; }

    public string? Category { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    public override string ToString() => Value;
}
