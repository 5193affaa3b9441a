using Qarion.Build.Tests.Support;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>The package as a good MSBuild citizen, through real `dotnet` commands on a project that references the packed package.</summary>
[Collection(ConsumerCollection2.Name)]
public sealed class EndToEndMSBuildTests(PackageFixture package)
{
    [Fact]
    public async Task An_app_that_gets_the_package_transitively_builds_and_only_the_dbt_project_uploads()
    {
        await using var server = await ServerHarness.StartAsync();
        var dbt = ConsumerProject.For(package, server, "transitive");
        dbt.Properties["QarionConnectorId"] = server.Seed("jaffle_shop");
        // The package is a development dependency (private by default): written out as a user can, it flows on.
        dbt.ReferenceAttributes = " PrivateAssets=\"none\"";
        dbt.Write();
        // A C# app that references the dbt project, and so gets the package transitively.
        var app = Path.Combine(dbt.Root, "app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "app.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
              <ItemGroup>
                <!-- NuGet flows no package through a reference with ReferenceOutputAssembly="false": a plain one, as a user writes it. -->
                <ProjectReference Include="../jaffle_shop/jaffle_shop.csproj" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), "System.Console.WriteLine(\"app\");");

        var result = await DotnetRunner.RunAsync(app, ["build", "app.csproj", "-nr:false"], ConsumerProject.Ci());

        Assert.True(result.ExitCode == 0, result.ToString());
        // First, that the package did reach the app: else "stays silent" below could not fail.
        var assets = File.ReadAllText(Path.Combine(app, "obj", "project.assets.json"));
        Assert.True(assets.Contains($"\"Qarion.Build/{package.Version}\"", StringComparison.Ordinal), assets + "\n---\n" + File.ReadAllText(dbt.ProjectPath));
        Assert.DoesNotContain("QRN", result.Output);
        Assert.DoesNotContain("Qarion: app:", result.Output);
        Assert.Contains("Qarion: jaffle_shop: uploaded", result.Output);
        Assert.Single(server.State.Uploads);
    }

    [Fact]
    public async Task Clean_and_no_incremental_builds_forget_the_stamp_and_upload_again()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = ConsumerProject.For(package, server, "clean");
        project.Properties["QarionConnectorId"] = server.Seed("jaffle_shop");
        var stamp = Path.Combine(project.Directory, "obj", "qarion", "upload.stamp");

        Assert.Equal(0, (await project.BuildAsync(ConsumerProject.Ci())).ExitCode);
        var skipped = await project.BuildAsync(ConsumerProject.Ci());
        Assert.Contains("is unchanged since its upload", skipped.Output);
        Assert.True(File.Exists(stamp));

        var clean = await DotnetRunner.RunAsync(project.Directory, ["clean", project.ProjectPath, "-nr:false"], ConsumerProject.Ci());
        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.False(File.Exists(stamp));
        Assert.Single(server.State.Uploads);

        var afterClean = await project.BuildAsync(ConsumerProject.Ci());
        var rebuilt = await project.BuildAsync(ConsumerProject.Ci(), "--no-incremental");

        Assert.Contains("Qarion: jaffle_shop: uploaded", afterClean.Output);
        Assert.Contains("Qarion: jaffle_shop: uploaded", rebuilt.Output);
        Assert.Equal(3, server.State.Uploads.Count);
    }

    [Fact]
    public async Task In_a_terminal_the_terminal_logger_shows_the_line_with_the_documented_switch()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = ConsumerProject.For(package, server, "tl");
        project.Properties["QarionConnectorId"] = server.Seed("jaffle_shop");
        project.Properties["QarionForceUpload"] = "true";

        var hidden = await project.BuildAsync(ConsumerProject.Ci(), "-tl:on");
        var shown = await project.BuildAsync(ConsumerProject.Ci(), "-tl:on", "-tlp:v=d");

        Assert.Equal(0, hidden.ExitCode);
        // The terminal logger keeps high-importance lines to itself at its default verbosity (as the README says)...
        Assert.DoesNotContain("uploaded target/manifest.json", hidden.Output);
        // ...and shows them with -tlp:v=d, as the README advises.
        Assert.Contains("uploaded target/manifest.json", shown.Output);
        Assert.Equal(2, server.State.Uploads.Count);
    }

    [Fact]
    public async Task Two_projects_built_in_parallel_write_one_table_with_a_whole_row_each()
    {
        await using var server = await ServerHarness.StartAsync();
        var root = ConsumerProject.NewRoot("summary");
        var jaffle = ConsumerProject.For(package, server, "summary", "jaffle_shop", root);
        jaffle.Properties["QarionConnectorId"] = server.Seed("jaffle_shop");
        var hubspot = ConsumerProject.For(package, server, "summary", "hubspot", root).WithManifest(TestData.Manifest("fivetran-hubspot.manifest.json"));
        hubspot.Properties["QarionConnectorId"] = server.Seed("hubspot");
        ConsumerProject.WriteSolution(jaffle, hubspot);
        var summary = Path.Combine(root, "step_summary.md");
        var environment = ConsumerProject.Ci();
        environment["GITHUB_ACTIONS"] = "true";
        environment["GITHUB_STEP_SUMMARY"] = summary;

        var result = await DotnetRunner.RunAsync(root, ["build", "dbt.slnx", "-m:2", "-nr:false"], environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = File.ReadAllText(summary).TrimEnd('\n').Split('\n');
        Assert.Equal(["### Qarion", "", "| Project | Manifest | Space and connector | Result |", "|---|---|---|---|"], lines[..4]);
        var rows = lines[4..].Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Matches(@"^\| hubspot \| target/manifest.json, 2.5 MB, schema v12, dbt 1.11.11, 283 nodes \| .* \| uploaded: sync job [0-9a-f-]{36} \|$", rows[0]);
        Assert.Matches(@"^\| jaffle_shop \| target/manifest.json, 1.0 MB, schema v12, dbt 1.10.13, 40 nodes \| .* \| uploaded: sync job [0-9a-f-]{36} \|$", rows[1]);
    }
}
