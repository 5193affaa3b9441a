using Qarion.Testing;

namespace Qarion.Build.Tests.Support;

/// <summary>
/// Packs Qarion.Build and the client packages once per test run into a temporary feed, under a version
/// no earlier run used, so a consumer restores exactly this build and never a cached older one. Several
/// collections share the one pack, so their end-to-end tests can run side by side.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    private static readonly string SharedFeed = TestData.TempDirectory("feed");
    private static readonly string SharedVersion = $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
    private static string SharedPackOutput = "";
    private static readonly Lazy<Task> Packed = new(PackAsync);
    private static int _users;

    public string Feed => SharedFeed;

    public string Version => SharedVersion;

    /// <summary>What `dotnet pack` at the root printed.</summary>
    public string PackOutput => SharedPackOutput;

    public string PackagePath => Path.Combine(Feed, $"Qarion.Build.{Version}.nupkg");

    public string ClientPackagePath => Path.Combine(Feed, $"Qarion.Client.{Version}.nupkg");

    public string ManifestsPackagePath => Path.Combine(Feed, $"Qarion.Dbt.Manifests.{Version}.nupkg");

    public string DependencyInjectionPackagePath => Path.Combine(Feed, $"Qarion.Client.Extensions.DependencyInjection.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        Interlocked.Increment(ref _users);
        await Packed.Value;
    }

    private static async Task PackAsync()
    {
        // The repository root packs every package, as the README says.
        var result = await DotnetRunner.RunAsync(TestData.RepositoryRoot, ["pack", "Qarion.Build.sln", "-c", "Release", "-o", SharedFeed, $"-p:MinVerVersionOverride={SharedVersion}", "-nr:false"]);
        if (result.ExitCode != 0 || !File.Exists(Path.Combine(SharedFeed, $"Qarion.Build.{SharedVersion}.nupkg")))
        {
            throw new InvalidOperationException("dotnet pack failed:\n" + result.Output);
        }

        SharedPackOutput = result.Output;
    }

    public Task DisposeAsync()
    {
        if (Interlocked.Decrement(ref _users) > 0)
        {
            return Task.CompletedTask;
        }

        // The consumers restored this version into the global packages folder; it is of no use to anyone after the run.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "qarion.build", "qarion.client", "qarion.dbt.manifests", "qarion.client.extensions.dependencyinjection" })
        {
            TestData.TryDelete(Path.Combine(cache, id, Version));
        }

        // The feed stays: collections start lazily, so "the last one out" is not known here. It lies in the
        // run's scratch folder, which goes when the test process ends (or with the next run).
        return Task.CompletedTask;
    }
}
