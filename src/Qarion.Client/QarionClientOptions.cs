namespace Qarion.Client;

/// <summary>
/// How a <see cref="QarionClient"/> reaches the API. Every setting has a working default. The client
/// copies and checks the options when it is made; changing them afterwards does not change it.
/// </summary>
public sealed class QarionClientOptions
{
    /// <summary>The documented environment variable for the key.</summary>
    public const string ApiKeyEnvironmentVariable = "QARION_API_KEY";

    /// <summary>Our own environment override of the base URL (not documented by Qarion).</summary>
    public const string BaseUrlEnvironmentVariable = "QARION_BASE_URL";

    /// <summary>Qarion's own API, the default base URL.</summary>
    public const string DefaultBaseUrl = "https://api.qarion.com";

    /// <summary>The API key. Default: the <c>QARION_API_KEY</c> environment variable.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The API's base URL. Default: <c>QARION_BASE_URL</c>, else <c>https://api.qarion.com</c>.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>
    /// Plain <c>http://</c> is accepted only for loopback hosts unless this is true, so the key never
    /// travels in clear text by accident.
    /// </summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>How long one attempt may take, the upload's body included. Default 100 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>How many times a transient failure is retried after the first attempt. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>
    /// How long one call may take across all its attempts and waits: the call's deadline. A 429 is waited
    /// out within it (it does not count against <see cref="MaxRetries"/>). Default 5 minutes.
    /// </summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The first backoff step when the server gives no <c>Retry-After</c>; doubled per attempt, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest single wait between attempts. Default 60 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// When set, every client with the same base URL and key, in any process, shares what it learns of the
    /// key's rate limit through a small file in this folder (numbers only, named by a hash), and they pace
    /// themselves together instead of drawing 429s. Default null: each client paces itself alone.
    /// </summary>
    public string? SharedRateLimitDirectory { get; set; }

    /// <summary>A handler to send requests through (a proxy setup, or a test double). The client does not dispose it.</summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>
    /// Called before each wait between two attempts of a call, with the reason for the retry and the
    /// wait (the server's <c>Retry-After</c> or the backoff), so a caller can log retries.
    /// </summary>
    public Action<QarionRetry>? OnRetry { get; set; }

    /// <summary>
    /// Called before a request waits for its slot because the key's rate-limit budget is known spent
    /// (<c>X-RateLimit-Remaining: 0</c>, from this client or, with <see cref="SharedRateLimitDirectory"/>, another),
    /// so that a caller can say why nothing seems to happen.
    /// </summary>
    public Action<QarionPacing>? OnPacing { get; set; }

    /// <summary>Added to the User-Agent header, e.g. <c>Qarion.Build/1.0</c>.</summary>
    public string? UserAgent { get; set; }

    /// <summary>
    /// How the client waits between attempts, paced requests and sync polls; the default is
    /// <see cref="Task.Delay(TimeSpan, CancellationToken)"/>. Tests of a host replace it to run retries
    /// without sleeping (and see each wait); it must honour the token.
    /// </summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = Task.Delay;

    /// <summary>Where the default key and URL are read from. A seam for tests.</summary>
    internal Func<string, string?> GetEnvironmentVariable { get; set; } = Environment.GetEnvironmentVariable;

    /// <summary>A copy taken when a client is made, so later changes to this object do not reach that client.</summary>
    internal QarionClientOptions Copy() => (QarionClientOptions)MemberwiseClone();
}

/// <summary>A request about to wait for its slot in the key's rate limit, instead of drawing a 429.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request path, without the base URL.</param>
/// <param name="Delay">The wait before it is sent.</param>
public sealed record QarionPacing(string Method, string Path, TimeSpan Delay);

/// <summary>One retry about to happen: which call, which attempt failed and why, and how long the client waits first.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request path, without the base URL.</param>
/// <param name="Attempt">The attempt that failed (1 for the first).</param>
/// <param name="Reason">What failed: a status with the server's reason, a timeout, a connection failure.</param>
/// <param name="Delay">The wait before the next attempt.</param>
/// <param name="FromRetryAfter">Whether the wait is the server's own <c>Retry-After</c>.</param>
public sealed record QarionRetry(string Method, string Path, int Attempt, string Reason, TimeSpan Delay, bool FromRetryAfter);
