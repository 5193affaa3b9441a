using Qarion.Tests.Shared;

namespace Qarion.Build.Tests.Support;

/// <summary>
/// Packs Qarion.Build once per test run into a temporary feed, under a version no earlier run used,
/// so a consumer restores exactly this build of the package and never a cached older one.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    public string Feed { get; } = TestData.TempDirectory("feed");

    public string Version { get; } = $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    public string PackagePath => Path.Combine(Feed, $"Qarion.Build.{Version}.nupkg");

    public string ClientPackagePath => Path.Combine(Feed, $"Qarion.Client.{Version}.nupkg");

    public string DependencyInjectionPackagePath => Path.Combine(Feed, $"Qarion.Client.Extensions.DependencyInjection.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        // The repository root packs both packages, as the README says.
        var result = await DotnetRunner.RunAsync(TestData.RepositoryRoot, ["pack", "Qarion.Build.sln", "-c", "Release", "-o", Feed, $"-p:MinVerVersionOverride={Version}", "-nr:false"]);
        if (result.ExitCode != 0 || !File.Exists(PackagePath) || !File.Exists(ClientPackagePath))
        {
            throw new InvalidOperationException("dotnet pack failed:\n" + result.Output);
        }
    }

    public Task DisposeAsync()
    {
        // The consumers restored this version into the global packages folder; it is of no use to anyone after the run.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var restored = Path.Combine(cache, "qarion.build", Version);
        if (Directory.Exists(restored))
        {
            Directory.Delete(restored, recursive: true);
        }

        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>
{
    public const string Name = "package";
}
