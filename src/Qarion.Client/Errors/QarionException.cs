using System.Net;
using System.Text.Json;

namespace Qarion.Client;

/// <summary>
/// Base of every error the client raises. Carries what the server said and which call it was,
/// and never the API key.
/// </summary>
public class QarionException : Exception
{
    /// <summary>An error with no answer behind it.</summary>
    public QarionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>An error with what the transport knew of the call.</summary>
    public QarionException(string message, QarionErrorContext context, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = context.StatusCode;
        Detail = context.Detail;
        ResponseBody = context.ResponseBody;
        Method = context.Method;
        Path = context.Path;
    }

    /// <summary>The HTTP status code, or null when no response arrived (timeout, connection failure).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The server's <c>detail</c> exactly as sent, whatever its JSON shape; null when the body was not JSON.</summary>
    public JsonElement? Detail { get; }

    /// <summary>The start of the response body as text (at most 4 KB), useful when a proxy answered with HTML.</summary>
    public string? ResponseBody { get; }

    /// <summary>The HTTP method of the failed call.</summary>
    public string? Method { get; }

    /// <summary>The request path of the failed call, without the base URL.</summary>
    public string? Path { get; }

    /// <summary>The rate-limit headers of the failed call's answer, when it had them.</summary>
    public QarionRateLimit? RateLimit { get; internal set; }

    /// <summary>
    /// The end of <see cref="Exception.Message"/> that says what to change in this client's own terms
    /// (its options), or null. A host with settings of its own shows <see cref="WithoutAdvice"/> and its own advice.
    /// </summary>
    public string? Advice { get; internal set; }

    /// <summary>The message without <see cref="Advice"/>: what went wrong, and where.</summary>
    public string WithoutAdvice => Advice is { Length: > 0 } advice && Message.EndsWith(advice, StringComparison.Ordinal)
        ? Message[..^advice.Length].TrimEnd()
        : Message;
}

/// <summary>What the transport knew about a failed call, handed to exception constructors.</summary>
public sealed record QarionErrorContext(
    HttpStatusCode? StatusCode,
    JsonElement? Detail,
    string? ResponseBody,
    string? Method,
    string? Path);
