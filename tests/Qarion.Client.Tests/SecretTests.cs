using Qarion.Client.Tests.Support;
using Qarion.LocalServer.State;
using Qarion.Tests.Shared;

namespace Qarion.Client.Tests;

public sealed class SecretTests
{
    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(413)]
    [InlineData(422)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(418)]
    public async Task No_exception_carries_the_key_even_when_the_server_echoes_it(int status)
    {
        await using var server = await ServerHarness.StartAsync();
        // Enough refusals that a 429, waited out (never a retry), still ends by the deadline.
        server.State.Faults.Add(new Fault { Status = status, Body = "echo", Count = 1000 });
        using var client = server.Client(o => o.MaxRetries = 1);

        var error = await Assert.ThrowsAnyAsync<QarionException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Equal(status, (int?)error.StatusCode);
        Assert.Contains("Authorization: Bearer ***", error.Message);
        Secrets.AssertNoKey(error);
    }

    [Fact]
    public async Task Timeouts_and_connection_failures_carry_no_key()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { LatencyMs = 2000, Count = 5 });
        using var client = server.Client(o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(100);
            o.MaxRetries = 0;
        });
        var timeout = await Assert.ThrowsAsync<QarionTimeoutException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        var closed = await ServerHarness.StartAsync();
        using var refused = closed.Client(o => o.MaxRetries = 0);
        await closed.DisposeAsync();
        var connection = await Assert.ThrowsAsync<QarionConnectionException>(() => refused.Connectors.ListAsync(ServerHarness.Space));

        Secrets.AssertNoKey(timeout);
        Secrets.AssertNoKey(connection);
    }

    [Fact]
    public async Task Empty_2xx_bodies_are_accepted_where_a_job_is_expected()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        server.State.Faults.Add(new Fault { Status = 202, Body = "empty", Count = 2 });
        using var client = server.Client();

        var sync = await client.Connectors.SyncAsync(ServerHarness.Space, id);
        var upload = (await client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, TestData.Manifest("dbt-core-state-v2.manifest.json"))).Job;

        Assert.Null(sync.Id);
        Assert.Null(upload.Id);
        Assert.Equal(SyncJobState.InProgress, upload.State);
        Assert.Equal([202, 202], server.Requests.Select(r => r.Status));
    }
}
