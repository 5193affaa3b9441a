using Qarion.Client;

// Usage: CatalogReport SPACE   (the key from QARION_API_KEY, the URL from QARION_BASE_URL: the client's defaults)
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: CatalogReport SPACE");
    return 2;
}

var space = args[0];
try
{
    using var client = new QarionClient();
    Console.WriteLine($"Space '{space}' at {client.BaseUrl}");
    var connectors = await client.Connectors.ListAsync(space);
    var history = await client.Connectors.GetSyncHistoryAsync(space);
    foreach (var connector in connectors)
    {
        Console.WriteLine($"  connector {connector.Name} ({connector.ConnectorType}, {connector.Id})");
        Console.WriteLine($"    products: {connector.ProductCount}, last sync: {connector.LastSync?.ToString("u") ?? "never"}");
        foreach (var job in history.Items.Where(j => j.ConnectorId == connector.Id))
        {
            var manifest = job.ExtensionData?.TryGetValue("manifest", out var m) == true
                ? $"; manifest {m.GetProperty("dbt_schema_version").GetString()?.Split('/').Last().Replace(".json", "")}, {m.GetProperty("nodes")} nodes, {m.GetProperty("sources")} sources"
                : "";
            var outcome = job.State switch
            {
                SyncJobState.Succeeded => $"{job.TablesAdded} tables added, {job.TablesUpdated} updated, {job.TablesDeleted} deleted",
                SyncJobState.Failed => $"error: {job.ErrorMessage}",
                _ => "in progress",
            };
            Console.WriteLine($"    sync job {job.Id}: {job.Status}: {outcome}{manifest}");
        }
    }

    return 0;
}
catch (QarionException ex)
{
    Console.Error.WriteLine($"CatalogReport: {ex.Message}");
    return 1;
}
