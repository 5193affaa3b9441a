using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Qarion.Client;

/// <summary>The body of a create call. <see cref="ExtensionData"/> passes any other field through.</summary>
public sealed class ConnectorCreate
{
    /// <summary>A new connector with the two fields the API requires.</summary>
    public ConnectorCreate(string name, string connectorType)
    {
        Name = name;
        ConnectorType = connectorType;
    }

    /// <summary>The connector's name (required), unique in the space.</summary>
    public string Name { get; set; }

    /// <summary>The connector's type (required), an open set: <c>dbt_manifest</c>, <c>postgres</c>, …</summary>
    public string ConnectorType { get; set; }

    /// <summary>The connector's configuration, as the type expects it.</summary>
    public JsonObject? Config { get; set; }

    /// <summary>The source system (a UUID) the connector belongs to, if any.</summary>
    public string? SourceSystemId { get; set; }

    /// <summary>Sent to the server, never echoed back by it.</summary>
    public JsonObject? Credentials { get; set; }

    /// <summary>Any other field, as raw JSON; see also <see cref="ExtraFields"/> for plain values.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    /// <summary>
    /// Any other field, as an ordinary value (a string, a number, a dictionary, an anonymous object),
    /// serialised with System.Text.Json's defaults. A name that is already a field (<c>name</c>, …) or
    /// is also in <see cref="ExtensionData"/> is refused with an <see cref="ArgumentException"/>: sent
    /// twice, the server would keep one of them silently.
    /// </summary>
    [JsonIgnore]
    public Dictionary<string, object?>? ExtraFields { get; set; }

    /// <summary>The fields this class sends itself (a null property is not sent, so its name is free).</summary>
    private IEnumerable<string> Named()
    {
        yield return "name";
        yield return "connector_type";
        if (Config is not null) yield return "config";
        if (SourceSystemId is not null) yield return "source_system_id";
        if (Credentials is not null) yield return "credentials";
    }

    /// <summary>The body to send: <see cref="ExtraFields"/> merged into the extension data, duplicates refused.</summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Extra fields are the caller's own values.")]
    internal ConnectorCreate WithExtraFields()
    {
        foreach (var field in ExtensionData?.Keys ?? Enumerable.Empty<string>())
        {
            if (Named().Contains(field, StringComparer.Ordinal))
            {
                throw new ArgumentException($"The extra field '{field}' is also a field of the connector; set it through its property.", nameof(ExtensionData));
            }
        }

        if (ExtraFields is not { Count: > 0 })
        {
            return this;
        }

        var merged = new Dictionary<string, JsonElement>(ExtensionData ?? [], StringComparer.Ordinal);
        foreach (var (field, value) in ExtraFields)
        {
            if (Named().Contains(field, StringComparer.Ordinal) || merged.ContainsKey(field))
            {
                throw new ArgumentException($"The extra field '{field}' is given twice (or is also a field of the connector); give it once.", nameof(ExtraFields));
            }

            merged[field] = value is JsonElement element ? element : JsonSerializer.SerializeToElement(value, value?.GetType() ?? typeof(object));
        }

        return new ConnectorCreate(Name, ConnectorType)
        {
            Config = Config,
            SourceSystemId = SourceSystemId,
            Credentials = Credentials,
            ExtensionData = merged,
        };
    }
}

/// <summary>
/// A partial update: only the properties that are set are sent. To send a field this class does not
/// name, or to set a field to null explicitly, put it in <see cref="ExtensionData"/>.
/// </summary>
public sealed class ConnectorUpdate
{
    /// <summary>A new name.</summary>
    public string? Name { get; set; }

    /// <summary>A new type.</summary>
    public string? ConnectorType { get; set; }

    /// <summary>A new configuration (replaces the old one).</summary>
    public JsonObject? Config { get; set; }

    /// <summary>Turn the connector on or off.</summary>
    public bool? IsActive { get; set; }

    /// <summary>A new source system.</summary>
    public string? SourceSystemId { get; set; }

    /// <summary>New credentials; sent, never echoed back.</summary>
    public JsonObject? Credentials { get; set; }

    /// <summary>New sync settings.</summary>
    public JsonObject? SyncConfig { get; set; }

    /// <summary>Any other field, or a field set to null explicitly, as raw JSON.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
