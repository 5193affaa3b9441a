using System.Net;

namespace Qarion.Client.Http;

/// <summary>Which failures a request may be retried on (contract §9.6).</summary>
internal enum RequestKind
{
    /// <summary>GET, PATCH, DELETE: safe to send again after any transient failure.</summary>
    Idempotent,

    /// <summary>
    /// POST (create, sync, upload): sent again only where the server provably did not take it:
    /// 429, 503 with Retry-After, or a connection that was never made.
    /// </summary>
    NotIdempotent,
}

internal static class RetryPolicy
{
    public static bool IsRetryableStatus(HttpResponseMessage response, RequestKind kind)
    {
        var status = response.StatusCode;
        if (status == HttpStatusCode.TooManyRequests)
        {
            return true;
        }

        if (kind == RequestKind.Idempotent)
        {
            return status is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable
                or HttpStatusCode.GatewayTimeout or HttpStatusCode.RequestTimeout;
        }

        return status == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null;
    }

    public static bool IsRetryableFailure(HttpRequestException exception, RequestKind kind) =>
        kind == RequestKind.Idempotent || exception.HttpRequestError == HttpRequestError.ConnectionError;

    /// <summary>The server's Retry-After, in either form (seconds or an HTTP date), or null.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        // Some servers send fractional seconds, which the typed header refuses.
        if (response.Headers.TryGetValues("Retry-After", out var values)
            && double.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return null;
    }

    /// <summary>Exponential backoff with jitter: base·2^(attempt−1)·[0.5, 1.5), capped.</summary>
    public static TimeSpan Backoff(int attempt, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var jittered = exponential * (0.5 + Random.Shared.NextDouble());
        return TimeSpan.FromMilliseconds(Math.Min(jittered, maxDelay.TotalMilliseconds));
    }
}
