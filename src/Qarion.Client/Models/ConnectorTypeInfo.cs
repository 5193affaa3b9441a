using System.Text.Json;
using System.Text.Json.Serialization;

namespace Qarion.Client;

/// <summary>One entry of <c>GET /connector-types</c>: a type a connector may have (an open list).</summary>
[JsonConverter(typeof(Json.ConnectorTypeInfoConverter))]
public sealed class ConnectorTypeInfo
{
    /// <summary>The string to pass as a connector's type, e.g. <c>dbt_manifest</c>.</summary>
    public string Value { get; set; } = "";

    /// <summary>The type's name for people, e.g. <c>dbt manifest upload</c>.</summary>
    public string? Label { get; set; }

    /// <summary>The type's group, e.g. <c>warehouse</c> or <c>bi</c>.</summary>
    public string? Category { get; set; }

    /// <summary>Every other field of the entry, kept as sent.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    /// <summary>The type's value.</summary>
    public override string ToString() => Value;
}
