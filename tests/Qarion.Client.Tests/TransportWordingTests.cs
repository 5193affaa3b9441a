using System.Net;
using System.Net.Sockets;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Client.Tests;

/// <summary>Each failure the transport reports, worded whole: what happened, to which call, at which attempt, and what to do.</summary>
public sealed class TransportWordingTests
{
    private const string Get = "GET /catalog/spaces/analytics/connectors/x";
    private const string CheckNetwork = "Check the base URL (QarionClientOptions.BaseUrl), the network and any proxy.";

    private static Uri ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    private static QarionClient ClientOf(Uri url, List<QarionRetry> retries, int maxRetries) => new(new QarionClientOptions
    {
        ApiKey = ServerHarness.Key,
        BaseUrl = url,
        MaxRetries = maxRetries,
        Delay = (_, _) => Task.CompletedTask,
        OnRetry = r => { lock (retries) { retries.Add(r); } },
    });

    [Fact]
    public async Task An_attempt_that_timed_out_says_how_long_it_waited_and_what_to_raise()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { LatencyMs = 5000, Count = 2 });
        var retries = new List<QarionRetry>();
        using var client = server.Client(o => { o.RequestTimeout = TimeSpan.FromMilliseconds(200); o.MaxRetries = 1; o.OnRetry = retries.Add; });

        var error = await Assert.ThrowsAsync<QarionTimeoutException>(() => client.Connectors.GetAsync(ServerHarness.Space, "x"));

        var advice = $"Raise the request timeout (RequestTimeout) for large files or slow links, or check that {server.Server.Url} is reachable.";
        Assert.Equal($"{Get} timed out after 0.2 s with no complete answer (attempt 2). {advice}", error.Message);
        Assert.Equal(advice, error.Advice);
        var retry = Assert.Single(retries);
        Assert.Equal(("GET", "/catalog/spaces/analytics/connectors/x", 1, "no complete answer within 0.2 s"), (retry.Method, retry.Path, retry.Attempt, retry.Reason));
    }

    [Fact]
    public async Task A_refused_connection_names_the_host_and_the_systems_reason()
    {
        var url = ClosedPort();
        var retries = new List<QarionRetry>();
        using var client = ClientOf(url, retries, maxRetries: 0);

        var error = await Assert.ThrowsAsync<QarionConnectionException>(() => client.Connectors.GetAsync(ServerHarness.Space, "x"));

        Assert.StartsWith($"{Get} got no answer from http://127.0.0.1:{url.Port}: ", error.Message);
        Assert.Contains("Connection refused", error.Message);
        Assert.EndsWith($" (attempt 1). {CheckNetwork}", error.Message);
        Assert.Equal(CheckNetwork, error.Advice);
        Assert.Empty(retries);
    }

    [Fact]
    public async Task A_create_whose_connection_was_never_made_is_sent_again_as_it_provably_did_not_arrive()
    {
        var url = ClosedPort();
        var retries = new List<QarionRetry>();
        using var client = ClientOf(url, retries, maxRetries: 2);

        var error = await Assert.ThrowsAsync<QarionConnectionException>(() =>
            client.Connectors.CreateAsync(ServerHarness.Space, new ConnectorCreate("once", "dbt_manifest")));

        Assert.Contains("(attempt 3)", error.Message);
        Assert.Equal([1, 2], retries.Select(r => r.Attempt));
        Assert.All(retries, r => Assert.Contains("Connection refused", r.Reason));
        Assert.All(retries, r => Assert.False(r.FromRetryAfter));
    }

    [Fact]
    public async Task An_upload_whose_connection_was_never_made_is_sent_again_and_says_no_answer_came_not_that_it_broke()
    {
        var url = ClosedPort();
        var retries = new List<QarionRetry>();
        using var client = ClientOf(url, retries, maxRetries: 1);

        var error = await Assert.ThrowsAsync<QarionConnectionException>(() =>
            client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, Guid.NewGuid().ToString(), TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json")));

        Assert.Contains($" got no answer from http://127.0.0.1:{url.Port}: ", error.Message);
        Assert.DoesNotContain("broke while the manifest was being sent", error.Message);
        Assert.EndsWith($" (attempt 2). {CheckNetwork}", error.Message);
        Assert.Contains("Connection refused", Assert.Single(retries).Reason);
    }

    [Fact]
    public async Task An_upload_whose_connection_broke_while_it_was_sent_says_so_and_is_not_sent_again()
    {
        await using var server = new CuttingServer(CuttingServer.Cut.DuringUpload);
        var path = Path.Combine(TestData.TempDirectory("cut"), "manifest.json");
        ManifestGenerator.Write(path, 8 << 20);
        var retries = new List<QarionRetry>();
        using var client = ClientOf(server.Url, retries, maxRetries: 3);

        var error = await Assert.ThrowsAsync<QarionConnectionException>(() =>
            client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, Guid.NewGuid().ToString(), path));

        Assert.True(error.Message.Contains($"the connection to http://127.0.0.1:{server.Url.Port} broke while the manifest was being sent (", StringComparison.Ordinal), error.Message);
        Assert.EndsWith($"); the server (or a proxy before it) may have refused the upload without an answer, or the network failed (attempt 1). {CheckNetwork}", error.Message);
        Assert.Equal(1, server.Requests);
        Assert.Empty(retries);
    }

    [Fact]
    public async Task An_upload_sent_whole_whose_answer_was_lost_says_no_answer_came_and_is_not_sent_again()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        server.State.Faults.Add(new Fault { DropAfter = true, PathContains = "dbt-manifest" });
        var retries = new List<QarionRetry>();
        using var client = server.Client(o => { o.MaxRetries = 3; o.OnRetry = retries.Add; });
        var path = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

        var error = await Assert.ThrowsAsync<QarionConnectionException>(() => client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, path));

        // The server has it; the client cannot know, and says only what it saw.
        Assert.Contains($"got no answer from http://127.0.0.1:{server.Server.Url.Port}: ", error.Message);
        Assert.DoesNotContain("broke while the manifest was being sent", error.Message);
        Assert.Single(server.State.Uploads);
        Assert.Empty(retries);
    }

    [Fact]
    public async Task An_answer_that_broke_off_after_its_status_is_a_lost_answer_retried_as_one()
    {
        await using var server = new CuttingServer(CuttingServer.Cut.DuringAnswer);
        var retries = new List<QarionRetry>();
        using var client = ClientOf(server.Url, retries, maxRetries: 1);

        var error = await Assert.ThrowsAsync<QarionConnectionException>(() => client.Connectors.GetAsync(ServerHarness.Space, "x"));

        Assert.StartsWith($"{Get} got no answer from http://127.0.0.1:{server.Url.Port}: the answer broke off after its status line: ", error.Message);
        Assert.EndsWith($" (attempt 2). {CheckNetwork}", error.Message);
        Assert.Equal(2, server.Requests);
        Assert.StartsWith("the answer broke off after its status line: ", Assert.Single(retries).Reason);
    }

    [Fact]
    public async Task A_redirect_without_a_location_says_there_was_none()
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client();
        server.State.Faults.Add(new Fault { Status = 302, Body = "empty" });

        var error = await Assert.ThrowsAsync<QarionException>(() => client.Connectors.GetAsync(ServerHarness.Space, "x"));

        Assert.Equal(
            $"{Get} was redirected (302 Found) to (no Location given). The client does not follow redirects, so the API key goes only to the configured base URL. " +
            "Set the base URL (QarionClientOptions.BaseUrl) to the address the server redirects to.", error.Message);
    }
}
