using System.Globalization;
using System.Text.Json;

namespace Qarion.Dbt.Manifests;

/// <summary>
/// Reads a dbt run's <c>run_results.json</c> and joins each result with its node in the manifest of the
/// same run: the file that defines it. The results are read whole (bounded by
/// <see cref="MaxRunResultsBytes"/>); the manifest, which can be gigabytes, is streamed once, keeping only
/// the nodes the results name.
/// </summary>
public static class DbtRunResultsReader
{
    /// <summary>The largest <c>run_results.json</c> read: a run of tens of thousands of nodes with their compiled SQL stays far below it.</summary>
    public const long MaxRunResultsBytes = 512L * 1024 * 1024;

    /// <summary>
    /// Reads <paramref name="runResultsPath"/>, and the nodes it names from <paramref name="manifestPath"/>
    /// when given and present. Throws <see cref="FileNotFoundException"/> when the results are missing and
    /// <see cref="DbtRunResultsException"/> when either file is not what dbt writes.
    /// </summary>
    public static async Task<DbtRunResults> ReadAsync(string runResultsPath, string? manifestPath, CancellationToken cancellationToken = default)
    {
        var file = DbtManifestFile.Find(runResultsPath);
        if (file.Length > MaxRunResultsBytes)
        {
            throw new DbtRunResultsException($"{file.FullPath} is {file.Length:N0} bytes, more than the {MaxRunResultsBytes:N0} a run's results are read to.", file.FullPath);
        }

        var results = await ReadResultsAsync(file.FullPath, cancellationToken).ConfigureAwait(false);
        if (manifestPath is null)
        {
            return results;
        }

        DbtManifestFile manifest;
        try
        {
            // Only a regular file is read: a FIFO would hold the pass forever.
            manifest = DbtManifestFile.Find(manifestPath);
        }
        catch (FileNotFoundException)
        {
            return results;
        }
        catch (DbtManifestException ex)
        {
            throw new DbtRunResultsException(ex.Message, manifestPath, ex);
        }

        var wanted = results.Results.Select(r => r.UniqueId).ToHashSet(StringComparer.Ordinal);
        var (nodes, projectName) = await Task.Run(() => ManifestNodes.Read(manifest.FullPath, wanted, cancellationToken), cancellationToken).ConfigureAwait(false);
        var joined = results.Results.Select(r => nodes.TryGetValue(r.UniqueId, out var node) ? r with { Node = node } : r).ToList();
        projectName ??= joined.Where(r => r.Node is not null).GroupBy(r => r.Node!.PackageName).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault();
        return results with { Results = joined, ProjectName = projectName };
    }

    private static async Task<DbtRunResults> ReadResultsAsync(string path, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            document = await JsonDocument.ParseAsync(stream, new JsonDocumentOptions { MaxDepth = DbtManifestCheck.MaxDepth }, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new DbtRunResultsException($"{path} is not valid JSON (line {(ex.LineNumber ?? 0) + 1}): it is not the run_results.json dbt writes. Run dbt again.", path, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && ex is not FileNotFoundException)
        {
            throw new DbtRunResultsException($"{path} cannot be read: {ex.Message}", path, ex);
        }

        using (document)
        {
            var root = document.RootElement;
            var metadata = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("metadata", out var m) ? m : default;
            var schema = Text(metadata, "dbt_schema_version");
            if (schema is null || SchemaVersion(schema) is not { } version || !root.TryGetProperty("results", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new DbtRunResultsException(
                    $"{path} is JSON but not a dbt run_results.json: {(schema is null ? "it has no metadata.dbt_schema_version" : $"metadata.dbt_schema_version is '{schema}'")}{(schema is not null && SchemaVersion(schema) is not null ? ", and no results list" : "")}.",
                    path);
            }

            var results = new List<DbtRunResult>(list.GetArrayLength());
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || Text(item, "unique_id") is not { } id)
                {
                    continue;
                }

                var raw = Text(item, "status") ?? "";
                results.Add(new DbtRunResult(id, StatusOf(raw), raw, Text(item, "message"), Integer(item, "failures"), Number(item, "execution_time") ?? 0, null));
            }

            var args = root.TryGetProperty("args", out var a) && a.ValueKind == JsonValueKind.Object ? a : default;
            return new DbtRunResults(
                version,
                Text(metadata, "dbt_version"),
                Text(metadata, "invocation_id"),
                DateTimeOffset.TryParse(Text(metadata, "generated_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null,
                args.ValueKind == JsonValueKind.Object ? Text(args, "which") : null,
                Number(root, "elapsed_time") ?? 0,
                null,
                results);
        }
    }

    /// <summary>dbt's statuses, case-insensitively: dbt 0.x wrote some in capitals (<c>ERROR</c>), later ones <c>runtime error</c>.</summary>
    internal static DbtResultStatus StatusOf(string raw) => raw.Trim().ToLowerInvariant() switch
    {
        "success" => DbtResultStatus.Success,
        "pass" => DbtResultStatus.Pass,
        "warn" => DbtResultStatus.Warn,
        "fail" => DbtResultStatus.Fail,
        "error" or "runtime error" => DbtResultStatus.Error,
        "skipped" or "skip" => DbtResultStatus.Skipped,
        _ => DbtResultStatus.Other,
    };

    /// <summary>The N of <c>…/run-results/vN.json</c>, or null for any other schema.</summary>
    internal static int? SchemaVersion(string url) => DbtManifestCheck.ArtifactSchemaVersion(url, "run-results");

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) ? number : null;

    private static long? Integer(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;
}
