using Qarion.Testing;

namespace Qarion.Client.Tests;

/// <summary>What a client's Dispose releases: its own connection pool, never what the host handed it.</summary>
public sealed class DisposalTests
{
    [Fact]
    public async Task A_client_s_own_pool_is_released_by_its_dispose()
    {
        await using var server = await ServerHarness.StartAsync();
        var client = server.Client();
        await client.Connectors.ListAsync(ServerHarness.Space);

        client.Dispose();

        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => client.Connectors.ListAsync(ServerHarness.Space));
    }

    [Fact]
    public async Task The_host_s_http_client_still_works_after_the_client_that_used_it_is_disposed()
    {
        await using var server = await ServerHarness.StartAsync();
        using var http = new HttpClient();
        var options = new QarionClientOptions { ApiKey = ServerHarness.Key, BaseUrl = server.Server.Url };
        using (var client = new QarionClient(http, options))
        {
            await client.Connectors.ListAsync(ServerHarness.Space);
        }

        using var again = new QarionClient(http, options);
        await again.Connectors.ListAsync(ServerHarness.Space);

        Assert.Equal(2, server.Requests.Count(r => r.Status == 200));
    }

    [Fact]
    public async Task The_handler_given_in_the_options_still_works_after_the_client_that_used_it_is_disposed()
    {
        await using var server = await ServerHarness.StartAsync();
        using var handler = new SocketsHttpHandler();
        using (var client = server.Client(o => o.HttpMessageHandler = handler))
        {
            await client.Connectors.ListAsync(ServerHarness.Space);
        }

        using var again = server.Client(o => o.HttpMessageHandler = handler);
        await again.Connectors.ListAsync(ServerHarness.Space);

        Assert.Equal(2, server.Requests.Count(r => r.Status == 200));
    }
}
