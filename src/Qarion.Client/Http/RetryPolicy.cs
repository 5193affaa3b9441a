using System.Globalization;
using System.Net;

namespace Qarion.Client.Http;

/// <summary>Which failures a request may be retried on: only where the server provably did not act, or the request is safe to repeat.</summary>
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

/// <summary>How a successful answer's body is read. Every body is read within the attempt's timeout and to a bound.</summary>
internal enum AnswerBody
{
    /// <summary>Read whole before the call returns, up to <see cref="QarionTransport.MaxAnswerBytes"/>.</summary>
    Buffered,

    /// <summary>
    /// The answer to a request that must not be sent twice (an upload, a sync): its 2xx status is the
    /// success; a body that is too large, broken off or stalls afterwards is dropped, never a failure.
    /// </summary>
    Accepted,

    /// <summary>Left to the caller, who reads it as it arrives (a list of any length).</summary>
    Streamed,
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

    /// <summary>
    /// The longest wait a Retry-After is taken to ask for: a larger value (a date far ahead, 1e300 seconds)
    /// is this much, and a call's deadline cuts it anyway. Bounded so no value can overflow a time.
    /// </summary>
    public static readonly TimeSpan LongestRetryAfter = TimeSpan.FromDays(1);

    /// <summary>
    /// The server's Retry-After in either form (seconds, whole or fractional, or an HTTP date), bounded
    /// to [0, <see cref="LongestRetryAfter"/>]; null when it is missing or not a time (garbage, NaN).
    /// </summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        if (!response.Headers.NonValidated.TryGetValues("Retry-After", out var values) || values.Count == 0)
        {
            return null;
        }

        var text = values.First().Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return double.IsNaN(seconds) ? null : Bounded(seconds);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? Bounded((date - now).TotalSeconds)
            : null;
    }

    private static TimeSpan Bounded(double seconds) =>
        seconds <= 0 ? TimeSpan.Zero : seconds >= LongestRetryAfter.TotalSeconds ? LongestRetryAfter : TimeSpan.FromSeconds(seconds);

    /// <summary>Exponential backoff with jitter: base·2^(attempt−1)·[0.5, 1.5), capped.</summary>
    public static TimeSpan Backoff(int attempt, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var jittered = exponential * (0.5 + Random.Shared.NextDouble());
        return TimeSpan.FromMilliseconds(Math.Min(jittered, maxDelay.TotalMilliseconds));
    }

    /// <summary>
    /// A wait the server named (Retry-After, a rate-limit reset) with a little added, never taken away:
    /// clients told the same moment spread out instead of returning in lockstep.
    /// </summary>
    public static TimeSpan Jitter(TimeSpan wait) =>
        wait + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * (100 + Math.Min(wait.TotalMilliseconds, 60_000) * 0.1));
}
