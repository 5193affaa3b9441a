using Qarion.Client.Http;

namespace Qarion.Client;

/// <summary>
/// The entry point: <c>new QarionClient(options)</c>, then <see cref="Connectors"/>. Thread-safe;
/// keep one per process and dispose it at the end.
/// </summary>
public sealed class QarionClient : IDisposable
{
    private readonly QarionTransport _transport;

    /// <summary>Creates a client. Throws <see cref="QarionConfigurationException"/> when no key is set or the URL is unsafe.</summary>
    public QarionClient(QarionClientOptions? options = null)
    {
        options ??= new QarionClientOptions();
        var settings = QarionSettings.Resolve(options);
        _transport = new QarionTransport(settings, options);
        BaseUrl = settings.BaseUrl;
        Connectors = new ConnectorsClient(_transport);
    }

    /// <summary>The base URL in use.</summary>
    public Uri BaseUrl { get; }

    /// <summary>List, get, create, update, delete, sync and dbt manifest uploads.</summary>
    public ConnectorsClient Connectors { get; }

    public void Dispose() => _transport.Dispose();
}
