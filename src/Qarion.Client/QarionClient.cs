using Qarion.Client.Http;

namespace Qarion.Client;

/// <summary>
/// The entry point: <c>new QarionClient(options)</c>, or with the host's <see cref="HttpClient"/>,
/// then <see cref="Connectors"/>. Thread-safe; keep one per process and dispose it at the end. Its
/// operations are virtual and it has a protected constructor, so tests can stand in for it.
/// </summary>
public class QarionClient : IDisposable, IAsyncDisposable
{
    private readonly QarionTransport? _transport;

    /// <summary>Creates a client with its own connection pool. Throws <see cref="QarionConfigurationException"/> when no key is set or the URL is unsafe.</summary>
    public QarionClient(QarionClientOptions? options = null)
        : this(options ?? new QarionClientOptions(), httpClient: null)
    {
    }

    /// <summary>
    /// Creates a client that sends through <paramref name="httpClient"/> (from <c>IHttpClientFactory</c>,
    /// with the host's handlers), used as given and never disposed by this client. The options' base URL
    /// and key apply to each request. Throws <see cref="QarionConfigurationException"/> like the other constructor.
    /// </summary>
    public QarionClient(HttpClient httpClient, QarionClientOptions options)
        : this(options, httpClient ?? throw new ArgumentNullException(nameof(httpClient)))
    {
    }

    /// <summary>For test doubles: a client with no transport, whose virtual members a subclass overrides.</summary>
    protected QarionClient()
    {
        BaseUrl = new Uri(QarionClientOptions.DefaultBaseUrl);
        Connectors = null!;
    }

    private QarionClient(QarionClientOptions options, HttpClient? httpClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = QarionSettings.Resolve(options);
        _transport = new QarionTransport(settings, httpClient);
        BaseUrl = settings.BaseUrl;
        Connectors = new ConnectorsClient(_transport);
    }

    /// <summary>
    /// The primary handler for an <see cref="HttpClient"/> a host makes for this client (the DI package's
    /// <c>AddQarionClient</c> uses it): the client's rules for proxies, redirects and certificates.
    /// </summary>
    public static HttpMessageHandler CreatePrimaryHandler(QarionClientOptions options) =>
        QarionTransport.CreateHandler(QarionSettings.ResolveBaseUrl(options));

    /// <summary>The base URL in use.</summary>
    public virtual Uri BaseUrl { get; }

    /// <summary>List, get, create, update, delete, sync and dbt manifest uploads.</summary>
    public virtual ConnectorsClient Connectors { get; }

    /// <summary>The rate-limit headers of the last answer that carried them (failed calls also carry theirs on the exception).</summary>
    public virtual QarionRateLimit? RateLimit => _transport?.LastRateLimit;

    /// <summary>Releases the connection pool the client made (never a caller's <see cref="HttpClient"/>).</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc cref="Dispose()"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Releases what the client owns.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _transport?.Dispose();
        }
    }
}
