using Qarion.LocalServer.Hosting;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Client.Tests;

/// <summary>Answers of any size and shape: the status decides first, bodies are read to a bound their purpose sets, lists as they arrive.</summary>
public sealed class AnswerSizeTests
{
    [Fact]
    public async Task A_401_with_an_endless_body_is_an_authentication_error_at_once_never_retried()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 401, Body = "endless", Count = 5 });
        using var client = server.Client();

        var error = await Assert.ThrowsAsync<QarionAuthenticationException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Contains("failed with 401", error.Message);
        await server.WaitForARecordedRequestAsync();
        Assert.Single(server.Requests);
        Assert.Empty(server.Delays);
    }

    [Theory]
    [InlineData(500, 1)]
    [InlineData(503, 2)]
    public async Task A_5xx_announcing_a_terabyte_is_a_server_error_not_a_lost_connection(int status, int requests)
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = status, Body = "huge-length", Count = 5 });
        using var client = server.Client(o => { o.MaxRetries = 1; o.RequestTimeout = TimeSpan.FromSeconds(2); });

        var error = await Assert.ThrowsAsync<QarionServerException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Contains($"failed with {status}", error.Message);
        for (var i = 0; i < 200 && server.Requests.Count < requests; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(requests, server.Requests.Count);
    }

    [Fact]
    public async Task An_upload_the_server_accepted_is_a_success_even_when_its_answer_never_ends()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        server.State.Faults.Add(new Fault { EndlessAfter = true, PathContains = "dbt-manifest" });
        using var client = server.Client(o => o.RequestTimeout = TimeSpan.FromSeconds(3));
        var path = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

        var result = await client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, path);

        var upload = Assert.Single(server.State.Uploads);
        Assert.Equal(TestData.Sha256(path), upload.Sha256);
        // Its job could not be read from an answer cut at 1 MB: unknown, not failed.
        Assert.Null(result.Job.Id);
    }

    [Fact]
    public async Task A_million_connectors_are_read_as_they_arrive()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 200, Body = "connectors", Items = 1_000_000 });
        using var client = server.Client();

        var count = 0;
        Connector? last = null;
        await foreach (var connector in client.Connectors.EnumerateAsync(ServerHarness.Space))
        {
            count++;
            last = connector;
        }

        Assert.Equal(1_000_000, count);
        Assert.Equal("connector_999999", last!.Name);
        Assert.Equal(new Guid(999_999, 0, 0, new byte[8]).ToString(), last.Id);
    }

    [Theory]
    [InlineData("{\"total\": 2, \"page\": {\"odd\": [1, 2]}, \"items\": [{\"id\": \"a\", \"name\": \"one\"}, 7, \"x\", {\"id\": \"b\", \"name\": \"two\"}], \"size\": 2}")]
    [InlineData("[{\"id\": \"a\", \"name\": \"one\"}, null, {\"id\": \"b\", \"name\": \"two\"}]")]
    public async Task A_list_in_an_envelope_or_bare_keeps_its_objects_and_skips_the_rest(string body)
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 200, Body = "raw-json", Detail = body });
        using var client = server.Client();

        var list = await client.Connectors.ListAsync(ServerHarness.Space);

        Assert.Equal(["one", "two"], list.Select(c => c.Name));
    }

    [Theory]
    [InlineData("[{\"id\": \"a\", \"name\": \"one\"}, {\"id\": \"b\"")]
    [InlineData("{\"items\": 5}")]
    [InlineData("{\"total\": 0}")]
    [InlineData("42")]
    public async Task A_list_cut_off_or_of_another_shape_is_one_clear_error(string body)
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 200, Body = "raw-json", Detail = body });
        using var client = server.Client();

        var error = await Assert.ThrowsAsync<QarionException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Contains("answered 200 with a body that could not be read as a list", error.Message);
    }

    [Theory]
    [InlineData("gzip", "Content-Encoding gzip")]
    [InlineData("binary", "application/octet-stream")]
    public async Task A_body_that_is_not_text_is_described_not_quoted(string body, string described)
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 502, Body = body, Count = 5 });
        using var client = server.Client(o => o.MaxRetries = 0);

        var error = await Assert.ThrowsAsync<QarionServerException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Contains("the answer was not text (", error.Message);
        Assert.Contains(described, error.Message);
        Assert.DoesNotContain("\uFFFD", error.Message);
        Assert.DoesNotMatch(@"[\x00-\x08\x0E-\x1F]", error.Message);
    }
}
