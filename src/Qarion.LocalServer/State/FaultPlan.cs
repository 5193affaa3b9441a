using System.Text.Json.Serialization;

namespace Qarion.LocalServer.State;

/// <summary>A failure to inject into the next matching requests.</summary>
public sealed record Fault
{
    /// <summary>Status to answer with (0: none, only latency or a drop).</summary>
    public int Status { get; init; }

    /// <summary>How many requests it applies to.</summary>
    public int Count { get; init; } = 1;

    /// <summary>Retry-After header value, sent as given (seconds or an HTTP date).</summary>
    public string? RetryAfter { get; init; }

    /// <summary>
    /// "json" (a detail message), "html" (a proxy's page), "text", "echo" (the request's Authorization
    /// header in a JSON detail), "echo-text" (the request's headers as plain text, as a debugging proxy
    /// shows them), "empty", "endless" (no length, no end), "huge-length" (a terabyte announced, a few
    /// bytes sent, then silence) or "connectors" (a streamed list of <see cref="Items"/> connectors).
    /// </summary>
    public string Body { get; init; } = "json";

    /// <summary>With Body "connectors": how many generated connectors the list holds (connector_0, connector_1, …).</summary>
    public int Items { get; init; }

    /// <summary>The text of the answer ("json": its detail; "text": the body); null for the default words.</summary>
    public string? Detail { get; init; }

    /// <summary>With Body "raw-json": send its Content-Length (without it the body goes chunked, with no length).</summary>
    public bool SendLength { get; init; }

    /// <summary>A delay before answering (or before passing the request on).</summary>
    public int LatencyMs { get; init; }

    /// <summary>Abort the connection instead of answering.</summary>
    public bool Drop { get; init; }

    /// <summary>A Location header to send (with a 3xx status: a redirect).</summary>
    public string? Location { get; init; }

    /// <summary>Handle the request, then drop the connection before the answer leaves: the work is done, the client never hears.</summary>
    public bool DropAfter { get; init; }

    /// <summary>
    /// Handle the request as usual, then send its answer followed by an endless tail of spaces (no length):
    /// the work is done and the status is a success, but the body never ends.
    /// </summary>
    public bool EndlessAfter { get; init; }

    /// <summary>Only requests with this method (GET, DELETE, …).</summary>
    public string? Method { get; init; }

    /// <summary>Only requests whose path contains this.</summary>
    public string? PathContains { get; init; }

    /// <summary>
    /// In-process tests only: the request is held here, before anything else happens to it, until the
    /// test completes this (so a test acts "while the server is busy" by a condition, not a sleep).
    /// </summary>
    [JsonIgnore]
    public TaskCompletionSource? HoldUntil { get; init; }

    /// <summary>In-process tests only: completed when a request reaches this fault.</summary>
    [JsonIgnore]
    public TaskCompletionSource? Reached { get; init; }
}

/// <summary>Faults queued by tests (or POST /_local/faults), consumed in order.</summary>
public sealed class FaultPlan
{
    private readonly object _gate = new();
    private readonly List<(Fault Fault, int Left)> _faults = [];

    public void Add(Fault fault)
    {
        lock (_gate)
        {
            _faults.Add((fault, fault.Count));
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    public Fault? Take(string path, string method = "GET")
    {
        lock (_gate)
        {
            for (var i = 0; i < _faults.Count; i++)
            {
                var (fault, left) = _faults[i];
                if ((fault.PathContains is not null && !path.Contains(fault.PathContains, StringComparison.Ordinal))
                    || (fault.Method is not null && !string.Equals(fault.Method, method, StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                if (left <= 1)
                {
                    _faults.RemoveAt(i);
                }
                else
                {
                    _faults[i] = (fault, left - 1);
                }

                return fault;
            }

            return null;
        }
    }
}
