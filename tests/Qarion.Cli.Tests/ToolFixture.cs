namespace Qarion.Cli.Tests;

/// <summary>
/// Packs Qarion.Cli once per test run into a temporary feed, under a version no earlier run used, and
/// installs it from there with `dotnet tool install --tool-path`, as a user installs it. Every test class
/// of the collection runs that one installed `qarion`.
/// </summary>
public sealed class ToolFixture : IAsyncLifetime
{
    public static readonly string Version = $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    public string Feed { get; } = TestData.TempDirectory("cli-feed");

    public string ToolPath { get; } = TestData.TempDirectory("cli-tool");

    /// <summary>The installed command.</summary>
    public string Qarion => Path.Combine(ToolPath, OperatingSystem.IsWindows() ? "qarion.exe" : "qarion");

    public string InstallOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var pack = await DotnetRunner.RunAsync(TestData.RepositoryRoot,
            ["pack", "src/Qarion.Cli/Qarion.Cli.csproj", "-c", "Release", "-o", Feed, $"-p:MinVerVersionOverride={Version}", "-nr:false"]);
        if (pack.ExitCode != 0)
        {
            throw new InvalidOperationException("dotnet pack of Qarion.Cli failed:\n" + pack.Output);
        }

        var install = await DotnetRunner.RunAsync(TestData.RepositoryRoot,
            ["tool", "install", "Qarion.Cli", "--tool-path", ToolPath, "--add-source", Feed, "--version", Version]);
        if (install.ExitCode != 0 || !File.Exists(Qarion))
        {
            throw new InvalidOperationException("dotnet tool install of Qarion.Cli failed:\n" + install.Output);
        }

        InstallOutput = install.Output;
    }

    public Task DisposeAsync()
    {
        // The install restored this version into the global packages folder; it is of no use after the run.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        TestData.TryDelete(Path.Combine(cache, "qarion.cli", Version));
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class ToolCollection : ICollectionFixture<ToolFixture>
{
    public const string Name = "installed qarion";
}
