using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Qarion.Client.Http;

/// <summary>Turns a failed response into the matching <see cref="QarionException"/>, with a message a person can act on.</summary>
internal static partial class ErrorMapper
{
    /// <summary>How much of an error body is read: enough for a long 422 list, bounded against a proxy's huge or endless page.</summary>
    private const int MaxBodyChars = 16 * 1024;

    /// <summary>How much of it is kept on the exception.</summary>
    private const int KeptBodyChars = 4096;

    public static async Task<QarionException> FromResponseAsync(
        HttpResponseMessage response, string method, string path, SecretScrubber scrubber,
        int attempts, long? uploadSize, string? note, CancellationToken cancellationToken)
    {
        var exception = await MapAsync(response, method, path, scrubber, attempts, uploadSize, note, cancellationToken).ConfigureAwait(false);
        exception.RateLimit = QarionRateLimit.From(response);
        return exception;
    }

    private static async Task<QarionException> MapAsync(
        HttpResponseMessage response, string method, string path, SecretScrubber scrubber,
        int attempts, long? uploadSize, string? note, CancellationToken cancellationToken)
    {
        var body = await ReadStartAsync(response, cancellationToken).ConfigureAwait(false);
        body = scrubber.Scrub(body);
        var detail = ParseDetail(body);
        var status = response.StatusCode;
        var context = new QarionErrorContext(status, detail, body.Length > KeptBodyChars ? body[..KeptBodyChars] : body, method, path);
        // Everything the server sent (the reason phrase too) is scrubbed once more after decoding.
        var said = ServerText.Neutralize(scrubber.Scrub(Summarize(detail, body, response)));
        // The server's words end with a full stop, so our advice after them reads as a sentence of its own.
        var head = $"{method} {path} failed with {(int)status} {ServerText.Neutralize(scrubber.Scrub(response.ReasonPhrase ?? status.ToString()))}: {Sentence(said)}";
        if (note is not null)
        {
            head += " " + note;
        }

        switch ((int)status)
        {
            case 400 or 422:
                return new QarionValidationException($"{head} Fix the request's fields and try again.", context);
            case 401:
                return new QarionAuthenticationException(
                    $"{head} The API key was refused: check that QARION_API_KEY (or the configured key) is set to a current key for this Qarion instance.", context);
            case 403:
                return new QarionPermissionDeniedException(
                    $"{head} The key is valid but its user may not do this here: use a key of a user or service account with access to this space.", context);
            case 404:
                return new QarionNotFoundException($"{head} The space or the connector does not exist, or this key cannot see it.", context);
            case 409:
                return new QarionConflictException($"{head} Something with the same name exists, or it changed meanwhile.", context);
            case 413:
                var size = uploadSize is { } s ? $"The file is {s:N0} bytes ({s / 1048576.0:F1} MiB), more than the server accepts. " : "";
                return new QarionPayloadTooLargeException($"{head} {size}Reduce the file or ask the server's operator for a larger limit.", context, uploadSize);
            case 429:
                var retryAfter = RetryPolicy.RetryAfter(response, DateTimeOffset.UtcNow);
                var advice = retryAfter is { } r ? $" The server last asked to wait {r.TotalSeconds:0.#} s." : "";
                const string slower = "Lower the request rate of the clients that share this key, or raise TotalTimeout.";
                return new QarionRateLimitException(
                    $"{head} Still rate limited after {attempts} attempt(s).{advice} {slower}", context, retryAfter) { Advice = slower };
            case >= 500:
                return new QarionServerException($"{head} Qarion failed on its side; try again later.", context);
            default:
                return new QarionException(head, context);
        }
    }

    private static async Task<string> ReadStartAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var buffer = new char[MaxBodyChars];
            var read = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            return new string(buffer, 0, read);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            // The status has decided; a body that breaks off or stalls only loses the server's words.
            return "";
        }
    }

    private static JsonElement? ParseDetail(string body)
    {
        if (body.Length == 0 || body.Length >= MaxBodyChars)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("detail", out var detail)
                ? detail.Clone()
                : root.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Summarize(JsonElement? detail, string body, HttpResponseMessage response)
    {
        if (detail is { } d)
        {
            return d.ValueKind switch
            {
                JsonValueKind.String => d.GetString() ?? "",
                JsonValueKind.Array => ValidationError.FromDetail(d) is { Count: > 0 } errors ? string.Join("; ", errors) : d.GetRawText(),
                _ => d.GetRawText(),
            };
        }

        if (body.Length == 0)
        {
            return "(empty body)";
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType ?? "no content type";
        var encoding = string.Join(", ", response.Content.Headers.ContentEncoding);
        if (encoding.Length > 0 || ServerText.IsNotText(body))
        {
            return $"the answer was not text ({mediaType}{(encoding.Length > 0 ? ", Content-Encoding " + encoding : "")}, {body.Length:N0} characters read), so it is not quoted; a proxy or gateway may have answered instead of Qarion.";
        }

        if (mediaType.Contains("html", StringComparison.OrdinalIgnoreCase) || body.TrimStart().StartsWith('<'))
        {
            var title = Title().Match(body);
            var what = title.Success ? $" titled \"{WebUtility.HtmlDecode(title.Groups[1].Value.Trim())}\"" : "";
            return $"the answer was an HTML page{what} ({mediaType}), not Qarion's JSON; a proxy or gateway may have answered instead of Qarion.";
        }

        var text = body.Length > 300 ? body[..300] + "…" : body;
        return $"the answer was not JSON ({mediaType}): {text.ReplaceLineEndings(" ")}";
    }

    private static string Sentence(string text)
    {
        text = text.Trim();
        return text.Length == 0 || ".!?".Contains(text[^1], StringComparison.Ordinal) ? text : text + ".";
    }

    [GeneratedRegex("<title[^>]*>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Title();
}
