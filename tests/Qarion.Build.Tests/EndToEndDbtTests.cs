using Qarion.Build.Tests.Support;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>`dotnet build` of a dbt project with QarionDbtCommand, from the packed package: dbt runs (the stand-in), its results are diagnostics, and the upload follows it.</summary>
[Collection(ConsumerCollection.Name)]
public sealed class EndToEndDbtTests(PackageFixture package)
{
    private static readonly string StandIn = Path.Combine(TestData.RepositoryRoot, "samples", "dbt-standin", "dbt");

    private ConsumerProject Project(ServerHarness server, string results)
    {
        var project = new ConsumerProject(package, ConsumerProject.NewRoot("e2e-dbt"));
        File.WriteAllText(Path.Combine(project.Directory, "dbt_project.yml"), "name: jaffle_shop\nversion: '1.0'\nprofile: jaffle_shop\n");
        project.Properties["QarionSpace"] = ServerHarness.Space;
        project.Properties["QarionApiUrl"] = server.Server.Url.ToString();
        project.Properties["QarionConnectorName"] = "jaffle_shop";
        project.Properties["QarionDbtCommand"] = "build";
        project.Properties["QarionDbtExecutable"] = StandIn;
        project.Properties["QarionDbtEnvironment"] =
            $"DBT_STANDIN_MANIFEST={TestData.RunResults("jaffle-v5-1.7.0.manifest.json")};DBT_STANDIN_RUN_RESULTS={TestData.RunResults(results)}";
        return project;
    }

    [Fact]
    public async Task A_passing_dbt_build_is_summed_up_and_the_manifest_it_wrote_is_uploaded_after_it()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var project = Project(server, "jaffle-v5-1.7.0.run_results.json");

        var result = await project.BuildAsync(ConsumerProject.Ci());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Qarion: jaffle_shop: dbt build: 58 passed, 0 warned, 0 failed, 0 skipped in ", result.Output);
        var upload = Assert.Single(server.State.Uploads);
        Assert.Equal((id, TestData.Sha256(TestData.RunResults("jaffle-v5-1.7.0.manifest.json"))), (upload.ConnectorId, upload.Sha256));
        Assert.True(result.Output.IndexOf("dbt build: 58 passed", StringComparison.Ordinal) < result.Output.IndexOf("Qarion: jaffle_shop: uploaded", StringComparison.Ordinal));
        Assert.Null(KeyForms.FoundIn(result.Output));
    }

    [Fact]
    public async Task A_failing_dbt_build_fails_the_build_on_the_model_and_test_files_and_uploads_nothing()
    {
        await using var server = await ServerHarness.StartAsync();
        server.Seed("jaffle_shop");
        var project = Project(server, "jaffle-v5-1.7.0.failing.run_results.json");

        var result = await project.BuildAsync(ConsumerProject.Ci());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{Path.Combine(project.Directory, "models", "customers.sql")} : error QRN4001: Qarion: jaffle_shop: dbt: model customers failed: Database Error in model customers", result.Output);
        Assert.Contains($"{Path.Combine(project.Directory, "models", "staging", "schema.yml")} : error QRN4002: Qarion: jaffle_shop: dbt: test not_null_stg_customers_customer_id failed (3 rows)", result.Output);
        Assert.Contains($"{Path.Combine(project.Directory, "models", "staging", "schema.yml")} : warning QRN4003:", result.Output);
        Assert.Empty(server.State.Uploads);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Dbt_deps_runs_when_the_package_files_change_or_dbt_packages_is_missing_and_not_otherwise()
    {
        await using var server = await ServerHarness.StartAsync();
        server.Seed("jaffle_shop");
        var project = Project(server, "jaffle-v5-1.7.0.run_results.json");
        var packages = Path.Combine(project.Directory, "packages.yml");
        File.WriteAllText(packages, "packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.1.1\n");
        const string Deps = "Qarion: jaffle_shop: dbt deps in ";

        var first = await project.BuildAsync(ConsumerProject.Ci());
        var unchanged = await project.BuildAsync(ConsumerProject.Ci());
        File.SetLastWriteTimeUtc(packages, DateTime.UtcNow.AddSeconds(5));
        var changed = await project.BuildAsync(ConsumerProject.Ci());
        Directory.Delete(Path.Combine(project.Directory, "dbt_packages"), recursive: true);
        var missing = await project.BuildAsync(ConsumerProject.Ci());

        foreach (var run in new[] { first, unchanged, changed, missing })
        {
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("Qarion: jaffle_shop: dbt build in ", run.Output);
        }

        Assert.Contains(Deps, first.Output);
        Assert.DoesNotContain(Deps, unchanged.Output);
        Assert.Contains(Deps, changed.Output);
        Assert.Contains(Deps, missing.Output);
        Assert.True(first.Output.IndexOf(Deps, StringComparison.Ordinal) < first.Output.IndexOf("dbt build in ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_project_without_package_files_never_runs_dbt_deps()
    {
        await using var server = await ServerHarness.StartAsync();
        server.Seed("jaffle_shop");
        var project = Project(server, "jaffle-v5-1.7.0.run_results.json");

        var result = await project.BuildAsync(ConsumerProject.Ci());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("dbt deps", result.Output);
        Assert.False(Directory.Exists(Path.Combine(project.Directory, "dbt_packages")));
    }

    [Fact]
    public async Task An_unchanged_parse_is_skipped_the_question_passes_without_running_dbt_and_clean_forgets_it()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server, "jaffle-v5-1.7.0.run_results.json");
        project.Properties["QarionDbtCommand"] = "parse";
        var developer = new Dictionary<string, string?>();
        const string Ran = "Qarion: jaffle_shop: dbt parse in ";
        const string Skipped = "Qarion: jaffle_shop: dbt parse skipped: nothing it reads changed since it last ran";

        var first = await project.BuildAsync(developer);
        var again = await project.BuildAsync(developer);
        var question = await project.BuildAsync(developer, "-question");
        var clean = await DotnetRunner.RunAsync(project.Directory, ["clean", project.ProjectPath, "-nr:false"], developer);
        var afterClean = await project.BuildAsync(developer);

        foreach (var run in new[] { first, again, question, clean, afterClean })
        {
            Assert.True(run.ExitCode == 0, run.ToString());
        }

        Assert.Contains(Ran, first.Output);
        Assert.Contains(Skipped, again.Output);
        Assert.DoesNotContain(Ran, again.Output);
        Assert.Contains(Skipped, question.Output);
        Assert.DoesNotContain(Ran, question.Output);
        Assert.Contains(Ran, afterClean.Output);
        Assert.Empty(server.Requests);
    }
}
