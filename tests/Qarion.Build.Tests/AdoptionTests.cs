using System.Text.RegularExpressions;
using Qarion.Build.Tests.Support;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>
/// A newcomer's path, from the README alone: the documented pack folder, the documented nuget.config and
/// the minimal project, pasted as they are into a fresh repository (only the version is the one packed),
/// then the lines a user sees in a developer build and in CI.
/// </summary>
[Collection(ConsumerCollection2.Name)]
public sealed partial class AdoptionTests(PackageFixture package)
{
    private static string Section(string readme, string heading)
    {
        var start = readme.IndexOf($"\n## {heading}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no section '{heading}'");
        var end = readme.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        return readme[start..(end < 0 ? readme.Length : end)];
    }

    private static string Block(string section, string language, string containing) =>
        Docs.Blocks(section, language).Single(code => code.Contains(containing, StringComparison.Ordinal));

    /// <summary>Writes the user's repository as the README tells it: returns the dbt project's folder.</summary>
    private string Adopt(string repository)
    {
        var readme = Docs.Read("README.md");
        var install = Section(readme, "Install");
        var pack = Regex.Match(Block(install, "sh", "dotnet pack"), @"dotnet pack (?<what>\S+).* -o (?<out>\S+)");
        Assert.True(pack.Success, "the Install section has no `dotnet pack … -o <folder>` line");
        var folder = pack.Groups["out"].Value;
        // The documented folder, where the documented command (run in the repository, by a shell) makes it,
        // with the packages this run packed. A shell expands ~ (to a home of the test's own here); NuGet does not.
        var packages = folder.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Home(repository), folder[2..]) : Path.Combine(repository, folder);
        Directory.CreateDirectory(packages);
        foreach (var nupkg in Directory.EnumerateFiles(package.Feed, "*.nupkg"))
        {
            File.Copy(nupkg, Path.Combine(packages, Path.GetFileName(nupkg)));
        }

        File.WriteAllText(Path.Combine(repository, "nuget.config"), Block(install, "xml", "<packageSources>"));
        var project = Block(Section(readme, "Minimal configuration"), "xml", "<Project Sdk=");
        var documented = Regex.Match(project, "Include=\"Qarion.Build\" Version=\"([^\"]+)\"").Groups[1].Value;
        // The user's dbt project, which the project file goes beside.
        var directory = Path.Combine(repository, "jaffle_shop");
        Directory.CreateDirectory(directory);
        File.Copy(Path.Combine(TestData.RepositoryRoot, "samples", "jaffle_shop", "dbt_project.yml"), Path.Combine(directory, "dbt_project.yml"));
        File.WriteAllText(Path.Combine(directory, "jaffle_shop.csproj"), project.Replace($"Version=\"{documented}\"", $"Version=\"{package.Version}\"", StringComparison.Ordinal));
        return directory;
    }

    /// <summary>The user's home for this test: never the machine's own.</summary>
    private static string Home(string repository) => Path.Combine(Path.GetDirectoryName(repository)!, Path.GetFileName(repository) + "-home");

    private static Dictionary<string, string?> WithDbt(Dictionary<string, string?> environment, string repository)
    {
        environment["HOME"] = Home(repository);
        Directory.CreateDirectory(Home(repository));
        // The machine's package cache all the same, so the SDKs the project names are not fetched again.
        environment["NUGET_PACKAGES"] = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        // dbt itself cannot be installed here: the samples' stand-in writes a real manifest where dbt would.
        environment["PATH"] = Path.Combine(TestData.RepositoryRoot, "samples", "dbt-standin") + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        environment["DBT_STANDIN_MANIFEST"] = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");
        return environment;
    }

    [Fact]
    public async Task The_readme_adoption_path_works_verbatim_in_a_fresh_repository_and_ci_uploads()
    {
        await using var server = await ServerHarness.StartAsync(o => o.Spaces.Add("marketing-analytics"));
        var id = server.Seed("jaffle_shop", space: "marketing-analytics");
        var repository = TestData.TempDirectory("adopt");
        var project = Adopt(repository);

        // First, on the developer's machine: no CI, no key. The dbt step runs, the manifest is checked, nothing is sent.
        var local = await DotnetRunner.RunAsync(project, ["build", "-nr:false"], WithDbt(new() { ["QarionApiUrl"] = server.Server.Url.ToString() }, repository));
        Assert.True(local.ExitCode == 0, local.ToString());
        Assert.Contains("Qarion: jaffle_shop: dbt build in ", local.Output);
        Assert.Contains("Qarion: jaffle_shop: checked target/manifest.json (1.0 MB, manifest schema v12, dbt 1.10.13, 40 nodes) for space 'marketing-analytics', connector 'jaffle_shop' not looked up (a developer build makes no request); not uploaded: not a CI build. Set QarionUploadEnabled=true to upload from here.", local.Output);
        Assert.Empty(server.Requests);

        // In CI: the key in QARION_API_KEY, as the README says; the API URL from the environment, as any MSBuild property can be.
        var ci = await DotnetRunner.RunAsync(project, ["build", "-nr:false"],
            WithDbt(new() { ["CI"] = "true", ["QARION_API_KEY"] = ServerHarness.Key, ["QarionApiUrl"] = server.Server.Url.ToString() }, repository));

        Assert.True(ci.ExitCode == 0, ci.ToString());
        var upload = Assert.Single(server.State.Uploads);
        Assert.Equal((id, TestData.Sha256(TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json"))), (upload.ConnectorId, upload.Sha256));
        Assert.Contains($"Qarion: jaffle_shop: uploaded target/manifest.json (1.0 MB, manifest schema v12, dbt 1.10.13, 40 nodes) to space 'marketing-analytics', connector 'jaffle_shop' ({id})", ci.Output);
        Assert.DoesNotContain("NU1301", ci.Output);
    }
}
