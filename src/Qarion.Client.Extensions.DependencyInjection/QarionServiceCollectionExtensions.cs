using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Qarion.Client;

/// <summary>Registers <see cref="QarionClient"/> as a typed client of <c>IHttpClientFactory</c>.</summary>
public static class QarionServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="QarionClient"/> (and its <see cref="ConnectorsClient"/>) with options set in
    /// code. The HTTP client comes from <c>IHttpClientFactory</c>, so pooled handlers and the host's
    /// resilience handlers apply; its primary handler keeps the client's rules (no proxy for plain http,
    /// no redirects, named certificate problems). Returns the builder to add handlers to.
    /// </summary>
    public static IHttpClientBuilder AddQarionClient(this IServiceCollection services, Action<QarionClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<QarionClientOptions>().Configure(configure);
        return Register(services);
    }

    /// <summary>
    /// Registers <see cref="QarionClient"/> with options bound from configuration (for example the section
    /// "Qarion": <c>BaseUrl</c>, <c>RequestTimeout</c>, <c>MaxRetries</c>, …). Keep the key out of files:
    /// leave <c>ApiKey</c> unset and the client reads <c>QARION_API_KEY</c>.
    /// </summary>
    public static IHttpClientBuilder AddQarionClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<QarionClientOptions>().Bind(configuration);
        return Register(services);
    }

    private static IHttpClientBuilder Register(IServiceCollection services)
    {
        var builder = services.AddHttpClient(nameof(QarionClient))
            .ConfigurePrimaryHttpMessageHandler(provider => QarionClient.CreatePrimaryHandler(provider.GetRequiredService<IOptions<QarionClientOptions>>().Value));
        builder.AddTypedClient((http, provider) => new QarionClient(http, provider.GetRequiredService<IOptions<QarionClientOptions>>().Value));
        services.AddTransient(provider => provider.GetRequiredService<QarionClient>().Connectors);
        return builder;
    }
}
