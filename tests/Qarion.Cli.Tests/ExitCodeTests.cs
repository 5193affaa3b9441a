using Qarion.LocalServer.Hosting;
using Qarion.LocalServer.State;

namespace Qarion.Cli.Tests;

/// <summary>Every exit code docs/cli.md documents, reached through the installed qarion, with the code on its one error line.</summary>
[Collection(ToolCollection.Name)]
public sealed class ExitCodeTests(ToolFixture tool) : ToolTest(tool)
{
    private const string Space = ServerHarness.Space;

    [Fact]
    public async Task A_usage_error_exits_2_with_QRN5001_and_sends_nothing()
    {
        var unknown = await QarionAsync("connectors", "list", "--space", Space, "--frobnicate");
        var output = await QarionAsync("connectors", "list", "--space", Space, "--output", "yaml");
        // There is no option for the key: an argument would end up in shell history and process lists.
        var keyArgument = await QarionAsync("connectors", "list", "--space", Space, "--api-key", "some-key-value");

        Assert.Equal(2, unknown.ExitCode);
        Assert.StartsWith("error QRN5001: Unrecognized command or argument '--frobnicate'.", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(2, output.ExitCode);
        Assert.Contains("error QRN5001:", output.Error, StringComparison.Ordinal);
        Assert.Contains("yaml", output.Error, StringComparison.Ordinal);
        Assert.Equal(2, keyArgument.ExitCode);
        Assert.StartsWith("error QRN5001: Unrecognized command or argument '--api-key'.", keyArgument.Error, StringComparison.Ordinal);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Settings_that_cannot_be_used_exit_2_with_their_codes_before_any_request()
    {
        var noSpace = await QarionAsync("connectors", "list");
        var noKey = await QarionAsync(["connectors", "list", "--space", Space], new Dictionary<string, string?> { ["QARION_BASE_URL"] = Server.Server.Url.ToString() });
        var clearText = await QarionAsync("connectors", "list", "--space", Space, "--api-url", "http://qarion.example.com");
        var otherVariable = await QarionAsync("connectors", "list", "--space", Space, "--api-key-env", "MY_QARION_KEY");
        var timeout = await QarionAsync("connectors", "list", "--space", Space, "--timeout", "0");
        var fromEnvironment = await QarionAsync(["connectors", "list", "--space", Space], new Dictionary<string, string?> { ["QARION_API_KEY"] = ServerHarness.Key, ["QARION_BASE_URL"] = "ftp://qarion.example.com" });

        Assert.Equal((2, true), (noSpace.ExitCode, noSpace.Error.StartsWith("error QRN1101: No space given: pass --space", StringComparison.Ordinal)));
        Assert.Equal(2, noKey.ExitCode);
        Assert.StartsWith("error QRN1103: The environment variable QARION_API_KEY (--api-key-env) is not set or empty", noKey.Error, StringComparison.Ordinal);
        Assert.Contains("The key is never read from a command-line argument.", noKey.Error, StringComparison.Ordinal);
        Assert.Equal(2, clearText.ExitCode);
        Assert.StartsWith("error QRN1104: --api-url is 'http://qarion.example.com': plain http:// to a host other than this machine", clearText.Error, StringComparison.Ordinal);
        Assert.Equal(2, otherVariable.ExitCode);
        Assert.Contains("The environment variable MY_QARION_KEY (--api-key-env) is not set", otherVariable.Error, StringComparison.Ordinal);
        Assert.Equal(2, timeout.ExitCode);
        Assert.StartsWith("error QRN1105: --timeout is 0; it must be a number from 0.001 to 86400.", timeout.Error, StringComparison.Ordinal);
        Assert.Equal(2, fromEnvironment.ExitCode);
        Assert.StartsWith("error QRN1104: QARION_BASE_URL is 'ftp://qarion.example.com', which is not an http(s) URL", fromEnvironment.Error, StringComparison.Ordinal);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task The_key_is_read_from_the_variable_api_key_env_names()
    {
        var environment = new Dictionary<string, string?> { ["MY_QARION_KEY"] = ServerHarness.Key, ["QARION_BASE_URL"] = Server.Server.Url.ToString() };

        var result = await QarionAsync(["connectors", "list", "--space", Space, "--api-key-env", "MY_QARION_KEY"], environment);

        Assert.Equal(0, result.ExitCode);
        Assert.True(Assert.Single(Server.Requests).HadAuthorization);
    }

    [Fact]
    public async Task Unknown_names_spaces_and_ids_exit_4()
    {
        Server.Seed("dbt");
        Server.Seed("twin");

        var unknown = await QarionAsync("connectors", "get", "--space", Space, "--connector", "dbtt");
        var noSpace = await QarionAsync("connectors", "list", "--space", "no-such-space");
        var noId = await QarionAsync("connectors", "get", "--space", Space, "--connector", Guid.Empty.ToString());

        Assert.Equal(4, unknown.ExitCode);
        Assert.StartsWith($"error QRN2004: No connector named 'dbtt' in space '{Space}'. Connectors in the space: 'dbt' (dbt_manifest), 'twin' (dbt_manifest). Fix --connector, or set --connector to the connector's id.", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(4, noSpace.ExitCode);
        Assert.StartsWith("error QRN2003:", noSpace.Error, StringComparison.Ordinal);
        Assert.EndsWith("Check --space ('no-such-space'): the connector list of that space was not found.", noSpace.Error.Trim(), StringComparison.Ordinal);
        Assert.Equal(4, noId.ExitCode);
        Assert.EndsWith($"Check --space ('{Space}') and --connector ('{Guid.Empty}').", noId.Error.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_key_exits_5_and_is_never_printed()
    {
        var environment = Environment();
        environment["QARION_API_KEY"] = "wrong-key-4f1e9a77c2";

        var result = await QarionAsync(["connectors", "list", "--space", Space, "-o", "json"], environment);

        Assert.Equal(5, result.ExitCode);
        Assert.Equal("QRN2001", result.Json["error"]!["code"]!.GetValue<string>());
        Assert.Contains("The key is read from the environment variable QARION_API_KEY (--api-key-env).", result.Error, StringComparison.Ordinal);
        Assert.Null(KeyForms.FoundIn(result.All, "wrong-key-4f1e9a77c2"));
    }

    [Fact]
    public async Task No_right_to_the_space_exits_5()
    {
        await using var server = await ServerHarness.StartAsync(o =>
        {
            o.Spaces.Add("finance");
            o.ApiKeys.Add(new ApiKeyGrant("analytics-only-key-1", new HashSet<string> { Space }, false));
        });
        var environment = new Dictionary<string, string?> { ["QARION_API_KEY"] = "analytics-only-key-1", ["QARION_BASE_URL"] = server.Server.Url.ToString() };

        var result = await QarionAsync(["connectors", "list", "--space", "finance"], environment);

        Assert.Equal(5, result.ExitCode);
        Assert.StartsWith("error QRN2002:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rate_limits_and_an_unavailable_service_exit_6_after_the_retries()
    {
        // 429 is retried while the call's deadline allows (--timeout × (--retries + 1)); a wait past it ends the call.
        Server.State.Faults.Add(new Fault { Status = 429, RetryAfter = "30", Count = 100, PathContains = "/connectors" });
        var limited = await QarionAsync("connectors", "list", "--space", Space, "--timeout", "2", "--retries", "1");
        Server.State.Faults.Clear();
        Server.State.Faults.Add(new Fault { Status = 503, Count = 10, PathContains = "/connectors" });
        var down = await QarionAsync("connectors", "list", "--space", Space, "--retries", "0");

        Assert.True(limited.ExitCode == 6, limited.ToString());
        Assert.StartsWith("error QRN2006:", limited.Error.Split('\n').Last(l => l.Length > 0), StringComparison.Ordinal);
        Assert.Contains("raise --timeout or --retries (each call's deadline is --timeout × (--retries + 1) = 2 s × 2 = 4 s)", limited.Error, StringComparison.Ordinal);
        Assert.Equal(6, down.ExitCode);
        Assert.StartsWith("error QRN2007:", down.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_the_server_refuses_exits_1()
    {
        Server.Seed("dbt");

        var result = await QarionAsync("connectors", "create", "--space", Space, "--name", "dbt", "--type", "dbt_manifest");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error QRN2011:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_C_cancels_at_once_with_130()
    {
        var held = new TaskCompletionSource();
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Server.State.Faults.Add(new Fault { PathContains = "/connectors", HoldUntil = held, Reached = reached });

        try
        {
            var result = await QarionAsync(["connectors", "list", "--space", Space], null, async process =>
            {
                await reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
                using var kill = System.Diagnostics.Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
            });

            Assert.Equal(130, result.ExitCode);
            Assert.StartsWith("error: cancelled (Ctrl+C)", result.Error, StringComparison.Ordinal);
            Assert.Equal("", result.Out);
        }
        finally
        {
            held.TrySetResult();
        }
    }
}
