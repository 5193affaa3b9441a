using System.Text.Json;

namespace Qarion.Client.Json;

internal sealed class ConnectorConverter() : TolerantConverter<Connector>(
    Field.Id<Connector>("id", c => NullIfEmpty(c.Id), (c, v) => c.Id = v ?? ""),
    Field.String<Connector>("name", c => NullIfEmpty(c.Name), (c, v) => c.Name = v ?? ""),
    Field.String<Connector>("connector_type", c => NullIfEmpty(c.ConnectorType), (c, v) => c.ConnectorType = v ?? ""),
    Field.Object<Connector>("config", c => c.Config, (c, v) => c.Config = v),
    Field.Bool<Connector>("is_active", c => c.IsActive, (c, v) => c.IsActive = v),
    Field.Int<Connector>("product_count", c => c.ProductCount, (c, v) => c.ProductCount = v),
    Field.Time<Connector>("last_sync", c => c.LastSync, (c, v) => c.LastSync = v),
    Field.Time<Connector>("created_at", c => c.CreatedAt, (c, v) => c.CreatedAt = v),
    Field.Id<Connector>("source_system_id", c => c.SourceSystemId, (c, v) => c.SourceSystemId = v),
    Field.Object<Connector>("sync_config", c => c.SyncConfig, (c, v) => c.SyncConfig = v))
{
    protected override Dictionary<string, JsonElement>? GetExtensionData(Connector model) => model.ExtensionData;

    protected override void SetExtensionData(Connector model, Dictionary<string, JsonElement> data) => model.ExtensionData = data;

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}

internal sealed class SyncJobConverter() : TolerantConverter<SyncJob>(
    Field.Id<SyncJob>("id", j => j.Id, (j, v) => j.Id = v),
    Field.Id<SyncJob>("connector_id", j => j.ConnectorId, (j, v) => j.ConnectorId = v),
    Field.String<SyncJob>("status", j => j.Status, (j, v) => j.Status = v),
    Field.Time<SyncJob>("created_at", j => j.CreatedAt, (j, v) => j.CreatedAt = v),
    Field.Time<SyncJob>("started_at", j => j.StartedAt, (j, v) => j.StartedAt = v),
    Field.Time<SyncJob>("finished_at", j => j.FinishedAt, (j, v) => j.FinishedAt = v),
    Field.Int<SyncJob>("tables_added", j => j.TablesAdded, (j, v) => j.TablesAdded = v),
    Field.Int<SyncJob>("tables_updated", j => j.TablesUpdated, (j, v) => j.TablesUpdated = v),
    Field.Int<SyncJob>("tables_deleted", j => j.TablesDeleted, (j, v) => j.TablesDeleted = v),
    Field.Any<SyncJob>("warnings", j => j.Warnings, (j, v) => j.Warnings = v),
    Field.String<SyncJob>("error_message", j => j.ErrorMessage, (j, v) => j.ErrorMessage = v))
{
    protected override Dictionary<string, JsonElement>? GetExtensionData(SyncJob model) => model.ExtensionData;

    protected override void SetExtensionData(SyncJob model, Dictionary<string, JsonElement> data) => model.ExtensionData = data;
}

internal sealed class ConnectorTypeInfoConverter() : TolerantConverter<ConnectorTypeInfo>(
    Field.String<ConnectorTypeInfo>("value", t => t.Value.Length == 0 ? null : t.Value, (t, v) => t.Value = v ?? ""),
    Field.String<ConnectorTypeInfo>("label", t => t.Label, (t, v) => t.Label = v),
    Field.String<ConnectorTypeInfo>("category", t => t.Category, (t, v) => t.Category = v))
{
    protected override Dictionary<string, JsonElement>? GetExtensionData(ConnectorTypeInfo model) => model.ExtensionData;

    protected override void SetExtensionData(ConnectorTypeInfo model, Dictionary<string, JsonElement> data) => model.ExtensionData = data;
}
