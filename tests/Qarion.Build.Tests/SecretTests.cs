using Qarion.Build.Tests.Support;
using Qarion.LocalServer.Hosting;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>The key: refused before any request when it cannot be sent, and masked in whatever a server echoes.</summary>
public sealed class SecretTests
{
    private static readonly string Jaffle = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

    [Theory]
    [InlineData("qk_line\nbreak-7d1f2c9a", "line break")]
    [InlineData("qk_carriage\rreturn-7d1f2c9a", "line break")]
    [InlineData("qk_t\u00e9l\u00e9-7d1f2c9a", "non-ASCII")]
    [InlineData("qk_\u201cquoted\u201d-7d1f2c9a", "non-ASCII")]
    [InlineData("qk_tab\there-7d1f2c9a", "control character")]
    public async Task A_key_that_cannot_travel_in_a_header_is_a_configuration_error_before_any_request(string key, string what)
    {
        await using var server = await ServerHarness.StartAsync();
        var run = new TaskRun(server, Jaffle, key) { Task = { ConnectorId = server.Seed("jaffle_shop"), AllowFailure = "true" } };

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN1106", error.Code);
        Assert.Contains("QARION_API_KEY", error.Message);
        Assert.Contains(what, error.Message);
        Assert.Empty(server.Requests);
        Assert.Empty(server.Delays);
    }

    [Fact]
    public async Task A_key_stored_with_a_trailing_newline_works()
    {
        await using var server = await ServerHarness.StartAsync();
        var run = new TaskRun(server, Jaffle, ServerHarness.Key + "\n") { Task = { ConnectorId = server.Seed("jaffle_shop") } };

        Assert.True(run.Execute(), run.Engine.AllText);

        Assert.Single(server.State.Uploads);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(202)]
    public async Task A_2xx_non_json_answer_echoing_the_headers_is_quoted_scrubbed(int status)
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = status, Body = "echo-text", PathContains = "/connectors" });
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorName = "jaffle_shop" } };

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN2011", error.Code);
        Assert.Contains("Bearer ***", error.Message);
    }

    [Theory]
    [InlineData("qk_quote\"and\\backslash-7d1f2c9a")]
    [InlineData("qk_plus+lt<amp&-7d1f2c9a")]
    public async Task An_error_body_quoting_a_key_with_json_escapes_is_scrubbed(string key)
    {
        await using var server = await ServerHarness.StartAsync(o => o.ApiKeys.Add(new ApiKeyGrant(key, null, false)));
        server.State.Faults.Add(new Fault { Status = 403, Body = "echo" });
        var run = new TaskRun(server, Jaffle, key) { Task = { ConnectorId = server.Seed("jaffle_shop") } };

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN2002", error.Code);
        Assert.Contains("Bearer ***", error.Message);
    }
}
