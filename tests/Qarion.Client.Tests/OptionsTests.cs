using Qarion.LocalServer.State;
using Qarion.Testing;
using Qarion.Client.Tests.Support;

namespace Qarion.Client.Tests;

public sealed class OptionsTests
{
    private static Func<string, string?> Environment(Dictionary<string, string> values) => name => values.GetValueOrDefault(name);

    [Fact]
    public void A_missing_key_is_a_clear_error_before_any_request()
    {
        var options = new QarionClientOptions { GetEnvironmentVariable = Environment([]) };

        var error = Assert.Throws<QarionConfigurationException>(() => new QarionClient(options));

        Assert.Contains("QARION_API_KEY", error.Message);
        Assert.Null(error.StatusCode);
    }

    [Fact]
    public async Task The_key_and_url_default_to_the_environment()
    {
        await using var server = await ServerHarness.StartAsync();
        var options = new QarionClientOptions
        {
            GetEnvironmentVariable = Environment(new()
            {
                ["QARION_API_KEY"] = ServerHarness.Key,
                ["QARION_BASE_URL"] = server.Server.Url.ToString(),
            }),
        };
        using var client = new QarionClient(options);

        await client.Connectors.ListAsync(ServerHarness.Space);

        Assert.Equal(server.Server.Url, client.BaseUrl);
        Assert.Equal(200, server.Requests.Single().Status);
    }

    [Fact]
    public void The_default_url_is_qarions()
    {
        using var client = new QarionClient(new QarionClientOptions { ApiKey = "k", GetEnvironmentVariable = Environment([]) });
        Assert.Equal(new Uri("https://api.qarion.com"), client.BaseUrl);
    }

    [Theory]
    [InlineData("http://catalog.example.com", false, false)]
    [InlineData("http://catalog.example.com", true, true)]
    [InlineData("http://127.0.0.1:8080", false, true)]
    [InlineData("http://localhost:8080", false, true)]
    [InlineData("http://[::1]:8080", false, true)]
    [InlineData("https://catalog.example.com", false, true)]
    [InlineData("ftp://catalog.example.com", true, false)]
    public void Plain_http_is_refused_off_loopback_unless_opted_in(string url, bool allowInsecure, bool accepted)
    {
        var options = new QarionClientOptions { ApiKey = "k", BaseUrl = new Uri(url), AllowInsecureHttp = allowInsecure };

        var error = Record.Exception(() => new QarionClient(options).Dispose());

        if (accepted)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.Contains("http", Assert.IsType<QarionConfigurationException>(error).Message);
        }
    }

    [Fact]
    public void A_bad_url_in_the_environment_names_the_variable()
    {
        var options = new QarionClientOptions { ApiKey = "k", GetEnvironmentVariable = Environment(new() { ["QARION_BASE_URL"] = "not a url" }) };

        var error = Assert.Throws<QarionConfigurationException>(() => new QarionClient(options));

        Assert.Contains("QARION_BASE_URL is 'not a url'", error.Message);
    }

    [Theory]
    [InlineData("qarion")]
    [InlineData("qarion/")]
    [InlineData("gateway/qarion")]
    public async Task A_base_url_with_a_path_keeps_it_with_or_without_a_final_slash(string path)
    {
        // A Qarion behind a gateway that routes by path: anything outside the path is 404 there.
        var prefix = "/" + path.TrimEnd('/');
        await using var server = await ServerHarness.StartAsync(o => o.PathBase = prefix);
        var id = server.Seed("jaffle_shop");
        using var client = server.Client(o => o.BaseUrl = new Uri(server.Server.Url, path));

        var found = await client.Connectors.GetAsync(ServerHarness.Space, id);

        Assert.Equal("jaffle_shop", found.Name);
        Assert.Equal($"{prefix}/catalog/spaces/{ServerHarness.Space}/connectors/{id}", Assert.Single(server.Requests).Path);
    }

    [Fact]
    public async Task Every_request_carries_the_key_as_a_bearer_token_a_user_agent_and_asks_for_json()
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client(o => o.UserAgent = "Qarion.Build/9.9");

        await client.Connectors.ListAsync(ServerHarness.Space);

        var request = server.Requests.Single();
        Assert.True(request.HadAuthorization);
        Assert.Contains("Qarion.Client/", request.UserAgent);
        Assert.Contains("Qarion.Build/9.9", request.UserAgent);
        Assert.Equal("application/json", request.Accept);
    }

    [Theory]
    [InlineData("https://deploy:hunter2@api.example.com/", "user name or password")]
    [InlineData("https://api.example.com/api?tenant=x", "query")]
    [InlineData("https://api.example.com/api#top", "fragment")]
    public void A_base_url_with_a_password_a_query_or_a_fragment_is_refused_without_showing_the_password(string url, string what)
    {
        var error = Assert.Throws<QarionConfigurationException>(() => new QarionClient(new QarionClientOptions { ApiKey = "k", BaseUrl = new Uri(url) }));

        Assert.Contains(what, error.Message);
        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Theory]
    [InlineData(".", "c")]
    [InlineData("..", "c")]
    [InlineData("%2E%2E", "c")]
    [InlineData("s", "..")]
    [InlineData("s", "%2e")]
    public async Task A_space_or_connector_id_that_is_a_dot_segment_is_refused_before_any_request(string space, string id)
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.Connectors.GetAsync(space, id));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Connectors.DeleteAsync(space, id));

        Assert.Contains("cannot be a segment of a request path (it is a dot segment, which would address another resource)", error.Message);
        Assert.Equal(space == "s" ? "connectorId" : "spaceSlug", error.ParamName);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("", "c", "spaceSlug")]
    [InlineData("  ", "c", "spaceSlug")]
    [InlineData("s", " ", "connectorId")]
    public async Task A_blank_space_or_connector_id_is_refused_before_any_request(string space, string id, string parameter)
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client();

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => client.Connectors.GetAsync(space, id));

        Assert.Equal(parameter, error.ParamName);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Retries_without_any_wait_are_allowed_as_zero_delays()
    {
        await using var server = await ServerHarness.StartAsync();
        var retries = new List<QarionRetry>();
        using var client = server.Client(o => { o.RetryBaseDelay = TimeSpan.Zero; o.MaxRetryDelay = TimeSpan.Zero; o.OnRetry = retries.Add; });
        server.State.Faults.Add(new Fault { Status = 503 });

        await client.Connectors.ListAsync(ServerHarness.Space);

        Assert.Equal(TimeSpan.Zero, Assert.Single(retries).Delay);
    }
}
