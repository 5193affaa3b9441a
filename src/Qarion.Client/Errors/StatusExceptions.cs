using System.Text.Json;

namespace Qarion.Client;

/// <summary>401: the API key is missing, wrong or revoked.</summary>
public sealed class QarionAuthenticationException(string message, QarionErrorContext context)
    : QarionException(message, context);

/// <summary>403: the key is valid but its user may not do this in this space.</summary>
public sealed class QarionPermissionDeniedException(string message, QarionErrorContext context)
    : QarionException(message, context);

/// <summary>404: the space or the resource does not exist (or the key cannot see it).</summary>
public sealed class QarionNotFoundException(string message, QarionErrorContext context)
    : QarionException(message, context);

/// <summary>409: a duplicate or a concurrent change.</summary>
public sealed class QarionConflictException(string message, QarionErrorContext context)
    : QarionException(message, context);

/// <summary>5xx: the platform failed; 502, 503 and 504 were retried before this was raised.</summary>
public sealed class QarionServerException(string message, QarionErrorContext context)
    : QarionException(message, context);

/// <summary>400 or 422: the payload was refused. <see cref="Errors"/> holds 422's list of field errors.</summary>
public sealed class QarionValidationException : QarionException
{
    /// <summary>A 400 or 422 answer; <see cref="Errors"/> reads a 422 detail list.</summary>
    public QarionValidationException(string message, QarionErrorContext context)
        : base(message, context)
    {
        Errors = ValidationError.FromDetail(context.Detail);
    }

    /// <summary>The field errors of a 422 answer; empty when <c>detail</c> was a plain message.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }
}

/// <summary>One entry of a 422 <c>detail</c> list.</summary>
public sealed record ValidationError(IReadOnlyList<string> Location, string Message, string? Type)
{
    internal static IReadOnlyList<ValidationError> FromDetail(JsonElement? detail)
    {
        if (detail is not { ValueKind: JsonValueKind.Array } list)
        {
            return [];
        }

        var errors = new List<ValidationError>();
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var location = new List<string>();
            if (item.TryGetProperty("loc", out var loc) && loc.ValueKind == JsonValueKind.Array)
            {
                foreach (var part in loc.EnumerateArray())
                {
                    location.Add(part.ValueKind == JsonValueKind.String ? part.GetString()! : part.GetRawText());
                }
            }

            errors.Add(new ValidationError(
                location,
                item.TryGetProperty("msg", out var msg) ? msg.ToString() : "",
                item.TryGetProperty("type", out var type) ? type.ToString() : null));
        }

        return errors;
    }

    /// <summary>The field's location and the message, as <c>body.name: Field required</c>.</summary>
    public override string ToString() => $"{string.Join(".", Location)}: {Message}";
}

/// <summary>429 after every allowed retry; <see cref="RetryAfter"/> is the server's last advice.</summary>
public sealed class QarionRateLimitException(string message, QarionErrorContext context, TimeSpan? retryAfter)
    : QarionException(message, context)
{
    /// <summary>The server's last <c>Retry-After</c>, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>413: the server refused the upload for its size.</summary>
public sealed class QarionPayloadTooLargeException(string message, QarionErrorContext context, long? fileSize)
    : QarionException(message, context)
{
    /// <summary>The size in bytes of the file that was refused, when the call was an upload.</summary>
    public long? FileSize { get; } = fileSize;
}

/// <summary>The configured timeout passed before the server answered. Not <see cref="System.TimeoutException"/>.</summary>
public class QarionTimeoutException(string message, QarionErrorContext context, Exception? inner = null)
    : QarionException(message, context, inner);

/// <summary>A sync job did not finish within the wait's timeout. <see cref="LastSeen"/> is its last known state.</summary>
public sealed class QarionSyncTimeoutException(string message, QarionErrorContext context, SyncJob? lastSeen)
    : QarionTimeoutException(message, context)
{
    /// <summary>The job as the last successful look at the history found it; null when it never appeared.</summary>
    public SyncJob? LastSeen { get; } = lastSeen;
}

/// <summary>No HTTP answer at all: connection refused or reset, DNS failure, TLS failure.</summary>
public class QarionConnectionException(string message, QarionErrorContext context, Exception inner)
    : QarionException(message, context, inner);

/// <summary>The server's TLS certificate was refused (never retried). <see cref="Problem"/> says why, in words.</summary>
public sealed class QarionCertificateException(string message, QarionErrorContext context, Exception inner, string host, string problem)
    : QarionConnectionException(message, context, inner)
{
    /// <summary>The host whose certificate was refused.</summary>
    public string Host { get; } = host;

    /// <summary>Why: untrusted root (self-signed, a private authority), name mismatch, expired, an incomplete chain.</summary>
    public string Problem { get; } = problem;
}

/// <summary>The client is misconfigured (no key, an unsafe URL); raised before any request.</summary>
public sealed class QarionConfigurationException(string message) : QarionException(message);
