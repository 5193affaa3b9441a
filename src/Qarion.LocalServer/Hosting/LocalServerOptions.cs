namespace Qarion.LocalServer.Hosting;

/// <summary>A key the server accepts, and what it may do.</summary>
public sealed record ApiKeyGrant(string Key, IReadOnlySet<string>? Spaces, bool ReadOnly)
{
    public bool MaySee(string space) => Spaces is null || Spaces.Contains(space);
}

/// <summary>A connector present at start.</summary>
public sealed record SeedConnector(string Space, string Name, string ConnectorType, string? Id);

/// <summary>What the local server starts with. Built from the command line and environment, or by tests.</summary>
public sealed class LocalServerOptions
{
    public int Port { get; set; }

    public List<ApiKeyGrant> ApiKeys { get; } = [];

    public List<string> Spaces { get; } = [];

    public List<SeedConnector> Connectors { get; } = [];

    /// <summary>
    /// Requests per key per <see cref="RateLimitWindow"/>, as a token bucket: it refills at this rate and
    /// holds <see cref="RateLimitBurst"/> tokens; an empty one answers 429 with Retry-After.
    /// </summary>
    public int RateLimit { get; set; } = 1000;

    /// <summary>How many requests a key may send at once, the bucket's size. Null: <see cref="RateLimit"/>.</summary>
    public int? RateLimitBurst { get; set; }

    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a sync job takes from queued to its final status.</summary>
    public TimeSpan SyncDuration { get; set; } = TimeSpan.FromMilliseconds(400);

    /// <summary>Uploads larger than this are answered 413; null for no limit.</summary>
    public long? MaxUploadBytes { get; set; }

    /// <summary>Where to write the URL once listening, for scripts that start the server on a free port.</summary>
    public string? UrlFile { get; set; }

    /// <summary>Answer with legal but unexpected field types and list entries, as a demanding test of clients.</summary>
    public bool OddShapes { get; set; }

    /// <summary>Serve https with this certificate (for tests of certificate failures); null for plain http.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// Drain and hash uploads without reading the manifest, as a remote server looks from the client's
    /// machine: for benchmarks, so the server does not compete with the client (or curl) for the CPU.
    /// </summary>
    public bool DiscardUploads { get; set; }

    /// <summary>
    /// Serve the API under this path (e.g. <c>/qarion</c>), as behind a gateway that routes by path; any
    /// other path is answered 404. Null: at the root.
    /// </summary>
    public string? PathBase { get; set; }

    /// <summary>Print one line per request.</summary>
    public bool LogRequests { get; set; }
}
