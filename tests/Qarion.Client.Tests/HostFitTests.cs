using System.Net;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Client.Tests;

/// <summary>The client as a .NET host expects it: its HttpClient, disposal, options that do not change under it, test doubles.</summary>
public sealed class HostFitTests
{
    /// <summary>Counts what goes through the host's own pipeline.</summary>
    private sealed class CountingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        public int Requests;

        public List<string?> Authorizations { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            lock (Authorizations)
            {
                Authorizations.Add(request.Headers.Authorization?.Scheme);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task The_callers_HttpClient_is_used_for_every_request_and_never_disposed()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var handler = new CountingHandler();
        using var http = new HttpClient(handler);

        for (var i = 0; i < 3; i++)
        {
            await using var client = new QarionClient(http, new QarionClientOptions { ApiKey = ServerHarness.Key, BaseUrl = server.Server.Url });
            Assert.Equal(id, (await client.Connectors.GetAsync(ServerHarness.Space, id)).Id);
        }

        Assert.Equal(3, handler.Requests);
        Assert.All(handler.Authorizations, scheme => Assert.Equal("Bearer", scheme));
        // Still usable after every QarionClient was disposed: it was never theirs.
        using var after = await http.GetAsync(new Uri(server.Server.Url, "health"));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.All(server.Requests.Where(r => r.Path.Contains("connectors", StringComparison.Ordinal)), r => Assert.StartsWith("Qarion.Client/", r.UserAgent));
    }

    [Fact]
    public async Task Options_are_copied_and_checked_when_the_client_is_made()
    {
        await using var server = await ServerHarness.StartAsync();
        var options = new QarionClientOptions { ApiKey = ServerHarness.Key, BaseUrl = server.Server.Url, MaxRetries = 2, Delay = server.RecordDelay };
        using var client = new QarionClient(options);
        options.MaxRetries = 0;
        options.RequestTimeout = TimeSpan.FromSeconds(-1);
        server.State.Faults.Add(new Fault { Status = 503, Count = 2 });

        await client.Connectors.ListAsync(ServerHarness.Space);

        Assert.Equal(2, server.Delays.Count);
        Assert.Throws<QarionConfigurationException>(() => new QarionClient(new QarionClientOptions { ApiKey = "k", TotalTimeout = TimeSpan.Zero }));
    }

    [Fact]
    public async Task The_last_attempt_gets_only_what_is_left_of_the_total_timeout()
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client(o => { o.RequestTimeout = TimeSpan.FromMinutes(5); o.TotalTimeout = TimeSpan.FromSeconds(1); });
        var held = new TaskCompletionSource();
        server.State.Faults.Add(new Fault { HoldUntil = held });

        var error = await Assert.ThrowsAsync<QarionTimeoutException>(() => client.Connectors.ListAsync(ServerHarness.Space).WaitAsync(TimeSpan.FromMinutes(2)));
        held.SetResult();

        Assert.Contains("within the call's deadline of 1 s (attempt 1). Raise TotalTimeout", error.Message);
        Assert.Equal($"Raise TotalTimeout, or check that {server.Server.Url} is reachable.", error.Advice);
    }

    [Fact]
    public async Task A_DELETE_whose_answer_was_lost_and_that_is_sent_again_succeeds()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        using var client = server.Client();
        server.State.Faults.Add(new Fault { DropAfter = true, Method = "DELETE" });

        await client.Connectors.DeleteAsync(ServerHarness.Space, id);

        Assert.Null(server.State.FindConnector(ServerHarness.Space, id));
        var deletes = server.Requests.Where(r => r.Method == "DELETE").ToList();
        Assert.Equal(2, deletes.Count);
        Assert.Contains(deletes, d => d.Status == 404);
    }

    [Fact]
    public async Task A_404_on_a_first_DELETE_is_still_an_error()
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client();

        await Assert.ThrowsAsync<QarionNotFoundException>(() => client.Connectors.DeleteAsync(ServerHarness.Space, Guid.NewGuid().ToString()));
    }

    /// <summary>A stand-in as a test of an application would write it, without any mocking library.</summary>
    private sealed class FakeConnectors : ConnectorsClient
    {
        public override Task<IReadOnlyList<Connector>> ListAsync(string spaceSlug, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<Connector>>([new Connector { Id = "1", Name = $"fake in {spaceSlug}", ConnectorType = "dbt_manifest" }]);
    }

    private sealed class FakeClient : QarionClient
    {
        public override ConnectorsClient Connectors { get; } = new FakeConnectors();
    }

    [Fact]
    public async Task A_subclass_stands_in_for_the_client_with_no_server_and_no_key()
    {
        await using QarionClient client = new FakeClient();

        var list = await client.Connectors.ListAsync("marketing-analytics");

        Assert.Equal("fake in marketing-analytics", Assert.Single(list).Name);
    }
}
