using System.Text.Json;
using System.Text.Json.Nodes;
using Qarion.LocalServer.State;

namespace Qarion.LocalServer.Endpoints;

/// <summary>
/// Not part of Qarion's API: /_local lets a person or a test script inject faults and see what the
/// server received. Only reachable on 127.0.0.1, like the whole server.
/// </summary>
public static class ControlEndpoints
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static void Map(WebApplication app, CatalogState state)
    {
        app.MapPost("/_local/faults", async (HttpContext http) =>
        {
            var fault = await JsonSerializer.DeserializeAsync<Fault>(http.Request.Body, Web, http.RequestAborted);
            if (fault is null)
            {
                return ApiEndpoints.Detail(400, "Send a fault as JSON, e.g. {\"status\": 503, \"count\": 2, \"retryAfter\": \"1\"}.");
            }

            state.Faults.Add(fault);
            return Results.Json(fault, Web, statusCode: 201);
        });
        app.MapDelete("/_local/faults", () =>
        {
            state.Faults.Clear();
            return Results.NoContent();
        });
        app.MapGet("/_local/uploads", () => Results.Json(state.Uploads, Web));
        app.MapGet("/_local/requests", () => Results.Json(state.Requests, Web));
    }
}
