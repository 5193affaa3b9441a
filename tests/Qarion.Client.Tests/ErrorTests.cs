using Qarion.Testing;
using System.Net;
using System.Text.Json;
using Qarion.Client.Tests.Support;
using Qarion.LocalServer.Hosting;
using Qarion.LocalServer.State;

namespace Qarion.Client.Tests;

public sealed class ErrorTests
{
    [Fact]
    public async Task A_wrong_key_is_an_authentication_error_that_never_shows_the_key()
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client(o => o.ApiKey = "wrong-" + ServerHarness.Key);

        var error = await Assert.ThrowsAsync<QarionAuthenticationException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("Invalid API key.", error.Detail!.Value.GetString());
        Assert.Equal(("GET", "/catalog/spaces/analytics/connectors"), (error.Method, error.Path));
        Assert.Contains("QARION_API_KEY", error.Message);
        Assert.DoesNotContain("wrong-", error.ToString());
        Secrets.AssertNoKey(error);
    }

    [Fact]
    public async Task A_key_without_rights_in_the_space_is_permission_denied()
    {
        await using var server = await ServerHarness.StartAsync(o =>
        {
            o.ApiKeys.Clear();
            o.ApiKeys.Add(new ApiKeyGrant(ServerHarness.Key, new HashSet<string> { "other" }, false));
            o.Spaces.Add("other");
        });
        using var client = server.Client();

        var error = await Assert.ThrowsAsync<QarionPermissionDeniedException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Contains("permission", error.Message);
        Secrets.AssertNoKey(error);
    }

    [Fact]
    public async Task An_unknown_space_and_an_unknown_connector_are_not_found()
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client();

        var space = await Assert.ThrowsAsync<QarionNotFoundException>(() => client.Connectors.ListAsync("no-such-space"));
        var connector = await Assert.ThrowsAsync<QarionNotFoundException>(() => client.Connectors.GetAsync(ServerHarness.Space, Guid.Empty.ToString()));

        Assert.Contains("Space 'no-such-space' not found", space.Message);
        Assert.Contains("The space or the connector does not exist", space.Message);
        Assert.Contains(Guid.Empty.ToString(), connector.Message);
        Assert.Equal(1, server.Requests.Count(r => r.Status == 404 && r.Path.Contains("no-such-space")));
    }

    [Fact]
    public async Task A_duplicate_name_is_a_conflict()
    {
        await using var server = await ServerHarness.StartAsync();
        server.Seed("jaffle_shop");
        using var client = server.Client();

        var error = await Assert.ThrowsAsync<QarionConflictException>(() => client.Connectors.CreateAsync(ServerHarness.Space, "JAFFLE_SHOP", "dbt_manifest"));

        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
        Assert.Contains("already exists", error.Message);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_422_detail_list_is_readable_field_by_field()
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client();
        var request = new ConnectorCreate("x", "postgres") { ExtensionData = new() { ["config"] = JsonSerializer.SerializeToElement("not an object") } };

        var error = await Assert.ThrowsAsync<QarionValidationException>(() => client.Connectors.CreateAsync(ServerHarness.Space, request));

        var field = Assert.Single(error.Errors);
        Assert.Equal(["body", "config"], field.Location);
        Assert.Equal("Input should be a valid dictionary", field.Message);
        Assert.Equal("dict_type", field.Type);
        Assert.Equal(JsonValueKind.Array, error.Detail!.Value.ValueKind);
        Assert.Contains("body.config: Input should be a valid dictionary", error.Message);
    }

    [Fact]
    public async Task A_400_with_a_plain_detail_is_a_validation_error_without_field_errors()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 400 });
        using var client = server.Client();

        var error = await Assert.ThrowsAsync<QarionValidationException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Empty(error.Errors);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("Injected failure 400", error.Message);
    }

    [Fact]
    public async Task An_html_page_from_a_proxy_gives_a_readable_message_not_a_json_error()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 502, Body = "html", Count = 10 });
        using var client = server.Client(o => o.MaxRetries = 2);

        var error = await Assert.ThrowsAsync<QarionServerException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Null(error.Detail);
        Assert.Contains("HTML page titled \"502 Bad Gateway\"", error.Message);
        Assert.Contains("proxy", error.Message);
        Assert.Contains("<html>", error.ResponseBody);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task A_500_is_a_server_error_and_is_not_retried()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 500, Count = 5 });
        using var client = server.Client();

        var error = await Assert.ThrowsAsync<QarionServerException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_non_json_text_error_is_quoted_in_the_message()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 504, Body = "text", Count = 10 });
        using var client = server.Client(o => o.MaxRetries = 0);

        var error = await Assert.ThrowsAsync<QarionServerException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Contains("upstream connect error", error.Message);
        Assert.Contains("not JSON (text/plain)", error.Message);
    }

    [Fact]
    public async Task A_timeout_is_a_qarion_timeout_with_no_status()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { LatencyMs = 2000, Count = 10 });
        using var client = server.Client(o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(150);
            o.MaxRetries = 1;
        });

        var error = await Assert.ThrowsAsync<QarionTimeoutException>(() => client.Connectors.GetAsync(ServerHarness.Space, "x"));

        Assert.Null(error.StatusCode);
        Assert.Contains("timed out after 0.2 s", error.Message);
        Assert.Contains("attempt 2", error.Message);
        Secrets.AssertNoKey(error);
    }

    [Fact]
    public async Task An_upload_over_the_size_limit_says_the_file_size()
    {
        await using var server = await ServerHarness.StartAsync(o => o.MaxUploadBytes = 100_000);
        var id = server.Seed("big");
        using var client = server.Client();
        var path = Qarion.Testing.TestData.Manifest("dbt-core-state-v12.manifest.json");

        var error = await Assert.ThrowsAsync<QarionPayloadTooLargeException>(() => client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, path));

        Assert.Equal(467015, error.FileSize);
        Assert.Contains("467,015 bytes", error.Message);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, error.StatusCode);
        Assert.Empty(server.State.Uploads);
    }

    [Fact]
    public async Task A_429_is_waited_out_until_the_deadline_not_counted_as_a_retry_and_then_carries_the_last_retry_after()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 429, RetryAfter = "30", Count = 1000 });
        using var client = server.Client(o => { o.MaxRetries = 1; o.TotalTimeout = TimeSpan.FromMinutes(4); });

        var error = await Assert.ThrowsAsync<QarionRateLimitException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);
        // More refusals than MaxRetries allows failures: each 429 was waited out while the deadline allowed (30 s and jitter each, 240 s in all).
        var refusals = server.Requests.Count(r => r.Status == 429);
        Assert.InRange(refusals, 6, 8);
        Assert.Equal(refusals - 1, server.Delays.Count);
        Assert.All(server.Delays, d => Assert.InRange(d.TotalSeconds, 30, 33.2));
        Assert.Contains($"after {refusals} attempt(s)", error.Message);
        Assert.Contains("past this call's deadline", error.Message);
        Assert.EndsWith("raise TotalTimeout.", error.Message);
    }
}
