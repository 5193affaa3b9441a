using Qarion.Build.Tests.Support;
using Qarion.LocalServer.Hosting;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>
/// Property values no one means but anyone can type (or a CI can set): each is one coded error that
/// names the property, before any request, and never a crash of the task (MSB4018).
/// </summary>
public sealed class HostileSettingsTests
{
    private static readonly string Jaffle = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

    [Theory]
    [InlineData("TimeoutSeconds", "QarionTimeoutSeconds", "NaN")]
    [InlineData("TimeoutSeconds", "QarionTimeoutSeconds", "Infinity")]
    [InlineData("SyncTimeoutSeconds", "QarionSyncTimeoutSeconds", "NaN")]
    [InlineData("SyncPollSeconds", "QarionSyncPollSeconds", "-NaN")]
    [InlineData("MaxRetries", "QarionMaxRetries", "NaN")]
    [InlineData("MaxRetries", "QarionMaxRetries", "2.9")]
    [InlineData("MaxRetries", "QarionMaxRetries", "1e1")]
    public async Task A_number_that_is_not_one_is_QRN1105_naming_the_property(string parameter, string property, string value)
    {
        await using var server = await ServerHarness.StartAsync();
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop"), WaitForSync = "true" } };
        typeof(QarionUploadDbtManifest).GetProperty(parameter)!.SetValue(run.Task, value);

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN1105", error.Code);
        Assert.Contains($"{property} is '{value}'", error.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_nul_character_in_the_manifest_path_is_QRN1006_naming_the_property()
    {
        await using var server = await ServerHarness.StartAsync();
        var run = new TaskRun(server, "target/mani\0fest.json") { Task = { ConnectorId = server.Seed("jaffle_shop") } };

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN1006", error.Code);
        Assert.Contains("QarionManifestPath", error.Message);
        Assert.Contains("NUL", error.Message);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("%2E%2E")]
    [InlineData("%2e")]
    public async Task A_space_that_would_be_a_dot_segment_is_QRN1101_before_any_request(string space)
    {
        await using var server = await ServerHarness.StartAsync();
        var run = new TaskRun(server, Jaffle) { Task = { Space = space, ConnectorId = server.Seed("jaffle_shop") } };

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN1101", error.Code);
        Assert.Contains($"QarionSpace is '{space}'", error.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_connector_id_from_the_server_that_is_a_dot_segment_is_never_put_in_a_path()
    {
        await using var server = await ServerHarness.StartAsync(o => o.Connectors.Add(new SeedConnector(ServerHarness.Space, "jaffle_shop", "dbt_manifest", "..")));
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorName = "jaffle_shop" } };

        Assert.False(run.Execute());

        Assert.Equal("QRN2012", run.ErrorCode);
        Assert.Contains("'..'", run.Engine.Errors[0].Message);
        // Only the list was asked for: no request went to a path the id would have made.
        Assert.Equal(["GET"], server.Requests.Select(r => r.Method));
        Assert.Empty(server.State.Uploads);
    }

    [Fact]
    public async Task A_query_in_the_api_url_is_QRN1104_and_nothing_is_sent()
    {
        await using var server = await ServerHarness.StartAsync();
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop") } };
        run.Task.ApiUrl = server.Server.Url + "api?tenant=x";

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN1104", error.Code);
        Assert.Contains("query", error.Message);
        Assert.DoesNotContain("tenant=x", run.Engine.AllText);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("api")]
    [InlineData("api/")]
    public async Task A_path_prefix_in_the_api_url_is_kept(string prefix)
    {
        await using var server = await ServerHarness.StartAsync();
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorName = "jaffle_shop" } };
        run.Task.ApiUrl = server.Server.Url + prefix;

        run.Execute();

        Assert.StartsWith($"/api/catalog/spaces/{ServerHarness.Space}/connectors", Assert.Single(server.Requests).Path);
    }

    [Fact]
    public async Task A_password_in_the_api_url_is_QRN1104_and_is_printed_nowhere()
    {
        await using var server = await ServerHarness.StartAsync();
        var stamp = Path.Combine(TestData.TempDirectory("userinfo"), "upload.stamp");
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop"), StampFile = stamp } };
        run.Task.ApiUrl = server.Server.Url.ToString().Replace("http://", "http://deploy:hunter2-pass@", StringComparison.Ordinal);

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN1104", error.Code);
        Assert.Contains("user name or password", error.Message);
        Assert.DoesNotContain("hunter2", run.Engine.AllText);
        Assert.Empty(server.Requests);
        Assert.False(File.Exists(stamp));
    }
}
