using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Qarion.Client;

namespace Qarion.Cli.Output;

/// <summary>
/// What each result looks like: the JSON document's fields (the API's own names, documented in
/// docs/cli.md, "JSON output") and the table's columns. Unknown fields the server sent are kept in JSON.
/// </summary>
internal static class Shapes
{
    public static JsonNode? Node(Connector connector) => JsonSerializer.SerializeToNode(connector);

    public static JsonNode? Node(SyncJob job) => JsonSerializer.SerializeToNode(job);

    public static JsonNode? Node(ConnectorTypeInfo type) => JsonSerializer.SerializeToNode(type);

    public static IEnumerable<string> ConnectorTable(IEnumerable<Connector> connectors) => Table.Render(
        ["ID", "NAME", "TYPE", "ACTIVE", "LAST SYNC"],
        connectors.Select(c => new[] { c.Id, c.Name, c.ConnectorType, Flag(c.IsActive), Time(c.LastSync) }));

    public static IEnumerable<string> ConnectorDetails(Connector c) => Table.Pairs(
    [
        ("id", c.Id),
        ("name", c.Name),
        ("type", c.ConnectorType),
        ("active", Flag(c.IsActive)),
        ("products", c.ProductCount?.ToString(CultureInfo.InvariantCulture) ?? ""),
        ("last sync", Time(c.LastSync)),
        ("created", Time(c.CreatedAt)),
        ("source system", c.SourceSystemId ?? ""),
        ("config", c.Config?.ToJsonString() ?? ""),
    ]);

    public static IEnumerable<string> SyncJobTable(IEnumerable<SyncJob> jobs) => Table.Render(
        ["ID", "CONNECTOR", "STATUS", "STARTED", "FINISHED", "ADDED", "UPDATED", "DELETED"],
        jobs.Select(j => new[] { j.Id ?? "", j.ConnectorId ?? "", j.Status ?? "", Time(j.StartedAt ?? j.CreatedAt), Time(j.FinishedAt), Count(j.TablesAdded), Count(j.TablesUpdated), Count(j.TablesDeleted) }));

    public static IEnumerable<string> TypeTable(IEnumerable<ConnectorTypeInfo> types) => Table.Render(
        ["TYPE", "LABEL", "CATEGORY"],
        types.Select(t => new[] { t.Value, t.Label ?? "", t.Category ?? "" }));

    /// <summary>A sync job in one line: its id, status and counts.</summary>
    public static string JobLine(SyncJob job) =>
        $"sync job {job.Id ?? "(no id returned)"}: {job.Status ?? "status not given"}" +
        (job.TablesAdded is null && job.TablesUpdated is null && job.TablesDeleted is null ? "" : $", {job.TablesAdded ?? 0} tables added, {job.TablesUpdated ?? 0} updated, {job.TablesDeleted ?? 0} deleted");

    private static string Flag(bool? value) => value switch { true => "yes", false => "no", _ => "" };

    private static string Count(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static string Time(DateTimeOffset? time) => time?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";
}
