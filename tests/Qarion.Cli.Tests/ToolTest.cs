using System.Diagnostics;

namespace Qarion.Cli.Tests;

/// <summary>A test of the installed qarion against a fresh local server: the key and the server's URL in the environment, as a user sets them.</summary>
public abstract class ToolTest(ToolFixture tool) : IAsyncLifetime
{
    protected ServerHarness Server { get; private set; } = null!;

    protected ToolFixture Tool => tool;

    public virtual async Task InitializeAsync() => Server = await ServerHarness.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    protected Dictionary<string, string?> Environment() => new()
    {
        ["QARION_API_KEY"] = ServerHarness.Key,
        ["QARION_BASE_URL"] = Server.Server.Url.ToString(),
    };

    /// <summary>qarion with these arguments; its output never holds any form of the key.</summary>
    protected async Task<CliResult> QarionAsync(IEnumerable<string> arguments, Dictionary<string, string?>? environment = null, Func<Process, Task>? whileRunning = null)
    {
        var result = await CliRun.RunAsync(tool.Qarion, arguments, environment ?? Environment(), whileRunning);
        Assert.True(KeyForms.FoundIn(result.All) is null, "the API key is in qarion's output:\n" + result);
        return result;
    }

    protected Task<CliResult> QarionAsync(params string[] arguments) => QarionAsync(arguments, null);

    /// <summary>How many requests reached the server with a path under the space (the manifest check, a usage error: none).</summary>
    protected int Requests(string pathContains = "/catalog/") => Server.Requests.Count(r => r.Path.Contains(pathContains, StringComparison.Ordinal));
}
