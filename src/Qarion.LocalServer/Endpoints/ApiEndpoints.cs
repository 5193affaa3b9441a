using System.Text.Json;
using System.Text.Json.Nodes;
using Qarion.LocalServer.Hosting;
using Qarion.LocalServer.State;

namespace Qarion.LocalServer.Endpoints;

/// <summary>Qarion's Connectors endpoints, the sync history and the connector types, in memory.</summary>
public static class ApiEndpoints
{
    public static void Map(WebApplication app, CatalogState state)
    {
        app.MapGet("/health", () => Results.Json(new JsonObject { ["status"] = "ok" }));
        app.MapGet("/connector-types", () => Results.Json(ConnectorTypes()));

        var space = app.MapGroup("/catalog/spaces/{slug}");
        // Routing leaves %2F escaped in a segment; a slug is compared in its plain form.
        space.AddEndpointFilter((context, next) =>
        {
            context.Arguments[1] = Uri.UnescapeDataString((string)context.Arguments[1]!);
            return next(context);
        });
        space.MapGet("/connectors", (HttpContext http, string slug) => Guard(http, state, slug, write: false) ?? ListConnectors(state, slug));
        space.MapPost("/connectors", async (HttpContext http, string slug) => Guard(http, state, slug, write: true) ?? await CreateAsync(http, state, slug));
        space.MapGet("/connectors/{id}", (HttpContext http, string slug, string id) =>
            Guard(http, state, slug, write: false) ?? (state.FindConnector(slug, id) is { } c ? Results.Json(state.Show(c)) : NotFound(id)));
        space.MapMethods("/connectors/{id}", ["PATCH"], async (HttpContext http, string slug, string id) =>
            Guard(http, state, slug, write: true) ?? await UpdateAsync(http, state, slug, id));
        space.MapDelete("/connectors/{id}", (HttpContext http, string slug, string id) =>
            Guard(http, state, slug, write: true) ?? (state.DeleteConnector(slug, id) ? Results.NoContent() : NotFound(id)));
        space.MapPost("/connectors/{id}/sync", (HttpContext http, string slug, string id) =>
            Guard(http, state, slug, write: true) ?? Sync(state, slug, id));
        space.MapPost("/connectors/{id}/dbt-manifest", async (HttpContext http, string slug, string id) =>
            Guard(http, state, slug, write: true) ?? await ManifestUpload.ReceiveAsync(http, state, slug, id));
        space.MapGet("/sync-history", (HttpContext http, string slug, int? page, int? size) =>
            Guard(http, state, slug, write: false) ?? History(state, slug, page ?? 1, size ?? 20));
    }

    /// <summary>404 for an unknown space, 403 for a key that may not see it or may not write.</summary>
    private static IResult? Guard(HttpContext http, CatalogState state, string slug, bool write)
    {
        if (!state.HasSpace(slug))
        {
            return Detail(404, $"Space '{slug}' not found.");
        }

        var grant = (ApiKeyGrant)http.Items[nameof(ApiKeyGrant)]!;
        if (!grant.MaySee(slug))
        {
            return Detail(403, $"You do not have permission to access space '{slug}'.");
        }

        return write && grant.ReadOnly ? Detail(403, "This API key is read-only.") : null;
    }

    private static IResult ListConnectors(CatalogState state, string slug)
    {
        var shown = state.ListConnectors(slug).Select(c => (JsonNode?)state.Show(c));
        var items = new JsonArray((state.OddShapes ? shown.Concat(OddShapes.ExtraConnectors()) : shown).ToArray());
        return state.ConnectorListShape == "items" ? Results.Json(new JsonObject { ["items"] = items }) : Results.Json(items);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, CatalogState state, string slug)
    {
        var (body, problem) = await ReadObjectAsync(http);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new JsonArray();
        foreach (var field in new[] { "name", "connector_type" })
        {
            if (body![field] is not JsonValue value || value.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetValue<string>()))
            {
                errors.Add(FieldError(field, body[field] is null ? "Field required" : "Input should be a non-empty string", body[field] is null ? "missing" : "string_type"));
            }
        }

        if (body!["config"] is { } config && config is not JsonObject)
        {
            errors.Add(FieldError("config", "Input should be a valid dictionary", "dict_type"));
        }

        if (errors.Count > 0)
        {
            return Results.Json(new JsonObject { ["detail"] = errors }, statusCode: 422);
        }

        var created = state.CreateConnector(slug, body);
        return created is null
            ? Detail(409, $"A connector named '{body["name"]}' already exists in space '{slug}'.")
            : Results.Json(state.Show(created), statusCode: 201);
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, CatalogState state, string slug, string id)
    {
        var (body, problem) = await ReadObjectAsync(http);
        if (problem is not null)
        {
            return problem;
        }

        if (body!["name"] is { } name && (name.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetValue<string>())))
        {
            return Results.Json(new JsonObject { ["detail"] = new JsonArray(FieldError("name", "Input should be a non-empty string", "string_type")) }, statusCode: 422);
        }

        var (outcome, connector) = state.UpdateConnector(slug, id, body);
        return outcome switch
        {
            CatalogState.UpdateOutcome.NotFound => NotFound(id),
            CatalogState.UpdateOutcome.NameTaken => Detail(409, $"A connector named '{body["name"]}' already exists in space '{slug}'."),
            _ => Results.Json(state.Show(connector!)),
        };
    }

    private static IResult Sync(CatalogState state, string slug, string id)
    {
        if (state.FindConnector(slug, id) is not { } connector)
        {
            return NotFound(id);
        }

        var manifest = state.LastManifest(id);
        var type = connector["connector_type"]?.GetValue<string>();
        var failure = manifest is null && type is "dbt_manifest" or "dbt"
            ? "No dbt manifest has been uploaded to this connector yet."
            : null;
        var job = state.AddJob(slug, id, manifest, failure);
        SyncRunner.Start(state, job);
        return Results.Json(state.Show(job), statusCode: 202);
    }

    private static IResult History(CatalogState state, string slug, int page, int size)
    {
        page = Math.Max(1, page);
        size = Math.Clamp(size, 1, 100);
        var jobs = state.Jobs(slug);
        var shown = jobs.Skip((page - 1) * size).Take(size).Select(j => (JsonNode?)state.Show(j));
        var items = new JsonArray((state.OddShapes ? OddShapes.ExtraJobs().Concat(shown) : shown).ToArray());
        return state.SyncHistoryShape switch
        {
            "array" => Results.Json(items),
            "items" => Results.Json(new JsonObject { ["items"] = items }),
            _ => Results.Json(new JsonObject { ["items"] = items, ["total"] = jobs.Count, ["page"] = page, ["size"] = size }),
        };
    }

    private static async Task<(JsonObject? Body, IResult? Problem)> ReadObjectAsync(HttpContext http)
    {
        try
        {
            var node = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            return node is JsonObject o ? (o, null) : (null, Detail(422, "The body must be a JSON object."));
        }
        catch (JsonException ex)
        {
            return (null, Detail(400, $"The body is not valid JSON: {ex.Message}"));
        }
    }

    public static JsonObject FieldError(string field, string message, string type) => new()
    {
        ["loc"] = new JsonArray("body", field),
        ["msg"] = message,
        ["type"] = type,
    };

    public static IResult Detail(int status, string detail) =>
        Results.Json(new JsonObject { ["detail"] = detail }, statusCode: status);

    public static IResult NotFound(string id) => Detail(404, $"Connector '{id}' not found.");

    private static JsonObject ConnectorTypes()
    {
        var items = new JsonArray();
        foreach (var (value, label, category) in new[]
                 {
                     ("dbt_manifest", "dbt manifest upload", "transformation"), ("dbt", "dbt Cloud", "transformation"),
                     ("postgres", "PostgreSQL", "database"), ("snowflake", "Snowflake", "warehouse"),
                     ("bigquery", "BigQuery", "warehouse"), ("databricks", "Databricks", "warehouse"),
                     ("s3", "Amazon S3", "storage"), ("looker", "Looker", "bi"), ("tableau", "Tableau", "bi"),
                 })
        {
            items.Add(new JsonObject { ["value"] = value, ["label"] = label, ["category"] = category });
        }

        return new JsonObject { ["items"] = items };
    }
}
