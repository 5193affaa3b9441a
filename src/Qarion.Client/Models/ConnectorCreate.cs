using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Qarion.Client;

/// <summary>The body of a create call. <see cref="ExtensionData"/> passes any other field through.</summary>
public sealed class ConnectorCreate
{
    public ConnectorCreate(string name, string connectorType)
    {
        Name = name;
        ConnectorType = connectorType;
    }

    public string Name { get; set; }

    public string ConnectorType { get; set; }

    public JsonObject? Config { get; set; }

    public string? SourceSystemId { get; set; }

    /// <summary>Sent to the server, never echoed back by it.</summary>
    public JsonObject? Credentials { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>
/// A partial update: only the properties that are set are sent. To send a field this class does not
/// name, or to set a field to null explicitly, put it in <see cref="ExtensionData"/>.
/// </summary>
public sealed class ConnectorUpdate
{
    public string? Name { get; set; }

    public string? ConnectorType { get; set; }

    public JsonObject? Config { get; set; }

    public bool? IsActive { get; set; }

    public string? SourceSystemId { get; set; }

    public JsonObject? Credentials { get; set; }

    public JsonObject? SyncConfig { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
