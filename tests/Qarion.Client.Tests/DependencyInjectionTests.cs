using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Qarion.Testing;

namespace Qarion.Client.Tests;

/// <summary>The DI package through a real ServiceCollection and IHttpClientFactory, against the local server.</summary>
public sealed class DependencyInjectionTests
{
    private sealed class CountingHandler : DelegatingHandler
    {
        public int Requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            return base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task AddQarionClient_gives_clients_that_send_through_the_factorys_pipeline()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var counting = new CountingHandler();
        var services = new ServiceCollection();
        services.AddQarionClient(o => { o.ApiKey = ServerHarness.Key; o.BaseUrl = server.Server.Url; })
            .AddHttpMessageHandler(() => counting);
        await using var provider = services.BuildServiceProvider();

        var connectors = provider.GetRequiredService<ConnectorsClient>();
        var client = provider.GetRequiredService<QarionClient>();
        var listed = await connectors.ListAsync(ServerHarness.Space);
        var one = await client.Connectors.GetAsync(ServerHarness.Space, id);

        Assert.Equal(id, Assert.Single(listed).Id);
        Assert.Equal(id, one.Id);
        Assert.Equal(2, counting.Requests);
        Assert.NotNull(provider.GetRequiredService<IHttpClientFactory>());
    }

    [Fact]
    public async Task Options_can_be_bound_from_configuration()
    {
        await using var server = await ServerHarness.StartAsync();
        server.Seed("jaffle_shop");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Qarion:ApiKey"] = ServerHarness.Key,
            ["Qarion:BaseUrl"] = server.Server.Url.ToString(),
            ["Qarion:MaxRetries"] = "1",
            ["Qarion:RequestTimeout"] = "00:00:30",
        }).Build();
        var services = new ServiceCollection();
        services.AddQarionClient(configuration.GetSection("Qarion"));
        await using var provider = services.BuildServiceProvider();

        var connectors = provider.GetRequiredService<ConnectorsClient>();

        Assert.Single(await connectors.ListAsync(ServerHarness.Space));
    }
}
