using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Qarion.LocalServer.State;

namespace Qarion.LocalServer.Hosting;

/// <summary>
/// What every API request goes through, in Qarion's order as far as it shows: injected faults (they
/// stand for a proxy in front), then the key, then the rate limit, then the endpoint. Every request
/// is recorded with its final status.
/// </summary>
public sealed class RequestPipeline(RequestDelegate next, CatalogState state)
{
    private readonly Dictionary<string, (DateTimeOffset Last, double Tokens)> _buckets = new(StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path.StartsWith("/_local", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var clock = Stopwatch.StartNew();
        state.RequestStarted();
        // Recorded before the client can see the outcome (as the answer starts, or before a dropped
        // connection is cut), so a test that has its answer finds the request recorded.
        var recorded = 0;
        void Record(int status)
        {
            if (Interlocked.Exchange(ref recorded, 1) != 0)
            {
                return;
            }

            state.RecordRequest(new RecordedRequest(
                context.Request.Method, context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? path, status,
                context.Request.Headers.Authorization.Count > 0, context.Request.Headers.UserAgent.ToString(), DateTimeOffset.UtcNow)
            {
                Accept = context.Request.Headers.Accept.ToString(),
            });
            if (state.Options.LogRequests)
            {
                Console.WriteLine($"  {context.Request.Method,-6} {path} → {status} ({clock.ElapsedMilliseconds} ms)");
            }
        }

        context.Response.OnStarting(() =>
        {
            Record(context.Response.StatusCode);
            return Task.CompletedTask;
        });
        context.Items[DropRecorder] = (Action)(() => Record(499));
        try
        {
            await HandleAsync(context, path);
        }
        finally
        {
            Record(context.RequestAborted.IsCancellationRequested ? 499 : context.Response.StatusCode);
        }
    }

    private static readonly object DropRecorder = new();

    /// <summary>Cuts the connection, the request recorded first (as 499, what a cut connection shows).</summary>
    private static void Drop(HttpContext context)
    {
        ((Action)context.Items[DropRecorder]!)();
        context.Abort();
    }

    private async Task HandleAsync(HttpContext context, string path)
    {
        var fault = state.Faults.Take(path, context.Request.Method);
        if (fault is { DropAfter: true })
        {
            // The work is done; the answer is written where it cannot leave (an endpoint's writes flush,
            // and a flushed answer could reach a fast client before the cut), then the connection is cut.
            var original = context.Response.Body;
            context.Response.Body = Stream.Null;
            await HandleNormallyAsync(context, path);
            context.Response.Body = original;
            Drop(context);
            return;
        }

        if (fault is { EndlessAfter: true })
        {
            var original = context.Response.Body;
            using var captured = new MemoryStream();
            context.Response.Body = captured;
            await HandleNormallyAsync(context, path);
            context.Response.Body = original;
            context.Response.ContentLength = null;
            await original.WriteAsync(captured.ToArray(), context.RequestAborted);
            var spaces = new byte[64 * 1024];
            Array.Fill(spaces, (byte)' ');
            await WriteEndlesslyAsync(original, spaces, context.RequestAborted);
            return;
        }

        if (fault is not null && await ApplyAsync(fault, context))
        {
            return;
        }

        await HandleNormallyAsync(context, path);
    }

    private async Task HandleNormallyAsync(HttpContext context, string path)
    {
        if (path == "/health")
        {
            await next(context);
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        var key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        var grant = key is null ? null : state.Options.ApiKeys.FirstOrDefault(g => g.Key == key);
        if (grant is null)
        {
            await Problem(context, 401, key is null ? "Not authenticated: send Authorization: Bearer <api key>." : "Invalid API key.");
            return;
        }

        if (OverRateLimit(context, grant.Key) is { } wait)
        {
            await Problem(context, 429, $"Rate limit of {state.Options.RateLimit} requests per {state.Options.RateLimitWindow.TotalSeconds:0.#} s exceeded. Retry in {wait} seconds.");
            return;
        }

        context.Items[nameof(ApiKeyGrant)] = grant;
        await next(context);
    }

    /// <summary>
    /// A token bucket per key: sets the X-RateLimit-* headers (Remaining: whole tokens left; Reset: the
    /// Unix second by which a request will be allowed again when empty, else by which the bucket is full);
    /// returns the seconds to wait when empty.
    /// </summary>
    private int? OverRateLimit(HttpContext context, string key)
    {
        var options = state.Options;
        var capacity = Math.Max(1, options.RateLimitBurst ?? options.RateLimit);
        var perSecond = Math.Max(1, options.RateLimit) / options.RateLimitWindow.TotalSeconds;
        var now = DateTimeOffset.UtcNow;
        double tokens;
        bool allowed;
        lock (_buckets)
        {
            var (last, had) = _buckets.TryGetValue(key, out var b) ? b : (now, capacity);
            tokens = Math.Min(capacity, had + (now - last).TotalSeconds * perSecond);
            allowed = tokens >= 1;
            if (allowed)
            {
                tokens -= 1;
            }

            _buckets[key] = (now, tokens);
        }

        var untilNext = tokens >= 1 ? 0 : (1 - tokens) / perSecond;
        var reset = now.AddSeconds(tokens >= 1 ? (capacity - tokens) / perSecond : untilNext);
        var headers = context.Response.Headers;
        // Qarion's limits are per minute (its tiers say so): the header says the rate in those terms whatever the window.
        headers["X-RateLimit-Limit"] = ((int)Math.Round(perSecond * 60)).ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = ((int)Math.Floor(tokens)).ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = ((long)Math.Ceiling(reset.ToUnixTimeMilliseconds() / 1000.0)).ToString(CultureInfo.InvariantCulture);
        if (allowed)
        {
            return null;
        }

        var wait = Math.Max(1, (int)Math.Ceiling(untilNext));
        headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
        return wait;
    }

    private static async Task<bool> ApplyAsync(Fault fault, HttpContext context)
    {
        fault.Reached?.TrySetResult();
        if (fault.HoldUntil is { } hold)
        {
            await hold.Task.WaitAsync(context.RequestAborted);
        }

        if (fault.LatencyMs > 0)
        {
            await Task.Delay(fault.LatencyMs, context.RequestAborted);
        }

        if (fault.Drop)
        {
            Drop(context);
            return true;
        }

        if (fault.Status == 0)
        {
            return false;
        }

        if (fault.RetryAfter is not null)
        {
            context.Response.Headers.RetryAfter = fault.RetryAfter;
        }

        if (fault.Location is not null)
        {
            context.Response.Headers.Location = fault.Location;
        }

        // Every body answers with the fault's status (Problem sets it too, to the same value).
        context.Response.StatusCode = fault.Status;
        switch (fault.Body)
        {
            case "html":
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync($"<html><head><title>{fault.Status} Bad Gateway</title></head><body><h1>{fault.Status} Bad Gateway</h1><hr>nginx</body></html>");
                break;
            case "text":
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync(fault.Detail ?? "upstream connect error or disconnect/reset before headers");
                break;
            case "echo":
                // Some proxies' debug pages echo the request headers, the key among them.
                await Problem(context, fault.Status, $"Rejected request with headers: Authorization: {context.Request.Headers.Authorization}");
                break;
            case "echo-text":
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync(
                    "Request headers:\n" + string.Join("\n", context.Request.Headers.Select(h => $"{h.Key}: {h.Value}")) + "\n");
                break;
            case "empty":
                break;
            case "gzip":
                // A compressed page the client never asked to be compressed.
                context.Response.ContentType = "text/html";
                context.Response.Headers.ContentEncoding = "gzip";
                using (var packed = new MemoryStream())
                {
                    using (var gzip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
                    {
                        gzip.Write(System.Text.Encoding.UTF8.GetBytes(fault.Detail ?? "<html><body>upstream failed</body></html>"));
                    }

                    await context.Response.Body.WriteAsync(packed.ToArray(), context.RequestAborted);
                }

                break;
            case "binary":
                context.Response.ContentType = "application/octet-stream";
                await context.Response.Body.WriteAsync(Enumerable.Range(0, 2048).Select(i => (byte)(i * 37 % 256)).ToArray(), context.RequestAborted);
                break;
            case "raw-json":
                // The fault's Detail, sent as it is, as JSON.
                context.Response.ContentType = "application/json";
                if (fault.SendLength)
                {
                    context.Response.ContentLength = System.Text.Encoding.UTF8.GetByteCount(fault.Detail ?? "");
                }

                await context.Response.WriteAsync(fault.Detail ?? "");
                break;
            case "endless":
                // No length, and no end: a proxy's runaway page. Stops when the client goes (or at 4 GB).
                context.Response.ContentType = "text/plain";
                await WriteEndlesslyAsync(context.Response.Body, System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("endless answer ", 4096))), context.RequestAborted);
                break;
            case "huge-length":
                // A length of a terabyte, a few bytes, then silence until the client gives up.
                context.Response.ContentLength = 1L << 40;
                await context.Response.Body.WriteAsync("{\"detail\": \"a"u8.ToArray(), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
                break;
            case "connectors":
                // A bare array of Count-independent size: fault.Items generated connectors, streamed without a length.
                context.Response.ContentType = "application/json";
                await StreamConnectorsAsync(context, fault.Items);
                break;
            default:
                await Problem(context, fault.Status, fault.Detail ?? $"Injected failure {fault.Status}.");
                break;
        }

        return true;
    }

    /// <summary>Writes the chunk again and again until the client goes, or 4 GB (a test that forgot to stop must still end).</summary>
    private static async Task WriteEndlesslyAsync(Stream body, byte[] chunk, CancellationToken aborted)
    {
        for (long sent = 0; sent < 4L << 30 && !aborted.IsCancellationRequested; sent += chunk.Length)
        {
            await body.WriteAsync(chunk, aborted);
        }
    }

    private static async Task StreamConnectorsAsync(HttpContext context, int count)
    {
        var body = context.Response.Body;
        await body.WriteAsync("["u8.ToArray(), context.RequestAborted);
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                $"{{\"id\":\"{new Guid(i, 0, 0, new byte[8])}\",\"name\":\"connector_{i}\",\"connector_type\":\"dbt_manifest\",\"is_active\":true," +
                $"\"config\":{{\"project\":\"analytics_{i}\",\"target\":\"prod\",\"schedule\":\"0 3 * * *\",\"owner\":\"data-platform@example.com\"}}," +
                $"\"product_count\":{i % 500},\"created_at\":\"2026-01-15T10:30:00Z\"}}");
            if (text.Length > 60_000 || i == count - 1)
            {
                await body.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text.ToString()), context.RequestAborted);
                text.Clear();
            }
        }

        await body.WriteAsync("]"u8.ToArray(), context.RequestAborted);
    }

    public static Task Problem(HttpContext context, int status, string detail) =>
        Problem(context, status, (JsonNode)JsonValue.Create(detail));

    public static Task Problem(HttpContext context, int status, JsonNode detail)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new JsonObject { ["detail"] = detail });
    }
}
