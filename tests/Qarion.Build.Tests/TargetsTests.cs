using Qarion.Build.Tests.Support;
using Qarion.Testing;

namespace Qarion.Build.Tests;

public sealed class TargetsTests
{
    private static readonly string Jaffle = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

    private static Dictionary<string, string?> Env(params (string Name, string Value)[] extra)
    {
        var env = new Dictionary<string, string?> { ["QARION_API_KEY"] = ServerHarness.Key };
        foreach (var (name, value) in extra)
        {
            env[name] = value;
        }

        return env;
    }

    private static TargetsProject Project(ServerHarness server, string connectorId)
    {
        var project = new TargetsProject("targets").WithManifest(Jaffle);
        project.Properties["QarionSpace"] = ServerHarness.Space;
        project.Properties["QarionConnectorId"] = connectorId;
        project.Properties["QarionApiUrl"] = server.Server.Url.ToString();
        return project;
    }

    [Fact]
    public async Task A_developer_build_checks_the_manifest_with_no_request_and_an_unchanged_one_costs_no_read()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var project = Project(server, id);

        var first = await project.BuildAsync(Env());
        // Same size, same time, other bytes (broken ones): only a build that reads the file can tell.
        var manifest = Path.Combine(project.Directory, "target", "manifest.json");
        var time = File.GetLastWriteTimeUtc(manifest);
        var bytes = File.ReadAllBytes(manifest);
        bytes[0] = (byte)'[';
        File.WriteAllBytes(manifest, bytes);
        File.SetLastWriteTimeUtc(manifest, time);
        var second = await project.BuildAsync(Env());

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains($"Qarion: dbt: checked target/manifest.json (1.0 MB, manifest schema v12, dbt 1.10.13, 40 nodes) for space 'analytics', connector {id} not looked up (a developer build makes no request); not uploaded: not a CI build. Set QarionUploadEnabled=true to upload from here.", first.Output);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Qarion: dbt: target/manifest.json is unchanged since it was checked (1.0 MB, manifest schema v12, dbt 1.10.13, 40 nodes); not uploaded: not a CI build.", second.Output);
        // No network and no key needed: the key in the environment is not even used.
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("missing", "QRN1001")]
    [InlineData("broken", "QRN1003")]
    public async Task A_developer_build_fails_on_a_missing_or_broken_manifest_as_ci_would(string kind, string code)
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server, server.Seed("jaffle_shop"));
        var manifest = Path.Combine(project.Directory, "target", "manifest.json");
        if (kind == "missing")
        {
            File.Delete(manifest);
        }
        else
        {
            File.Copy(TestData.BrokenManifest, manifest, overwrite: true);
        }

        var result = await project.BuildAsync(new Dictionary<string, string?>());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error {code}", result.Output);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task QarionUploadEnabled_false_turns_the_developer_check_off_too()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server, server.Seed("jaffle_shop"));
        project.Properties["QarionUploadEnabled"] = "false";
        File.Delete(Path.Combine(project.Directory, "target", "manifest.json"));

        var result = await project.BuildAsync(Env());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Qarion: dbt: upload skipped: QarionUploadEnabled is 'false' (set explicitly; CI build: false).", result.Output);
        Assert.DoesNotContain("QRN1001", result.Output);
    }

    [Theory]
    [InlineData("CI", "true")]
    [InlineData("GITHUB_ACTIONS", "true")]
    [InlineData("TF_BUILD", "True")]
    [InlineData("GITLAB_CI", "true")]
    [InlineData("JENKINS_URL", "http://jenkins.internal/")]
    [InlineData("TEAMCITY_VERSION", "2025.1")]
    [InlineData("BUILDKITE", "true")]
    public async Task A_ci_build_uploads_by_default_and_exposes_the_job_id(string variable, string value)
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server, server.Seed("jaffle_shop"));

        var result = await project.BuildAsync(Env((variable, value)));

        Assert.True(result.ExitCode == 0, result.ToString());
        var upload = Assert.Single(server.State.Uploads);
        Assert.Contains($"sync-job-id=[{upload.JobId}]", result.Output);
        Assert.Contains("Qarion: dbt: uploaded", result.Output);
        Assert.Null(KeyForms.FoundIn(result.Output));
    }

    [Fact]
    public async Task ContinuousIntegrationBuild_enables_the_upload_and_an_explicit_false_always_wins()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var enabled = Project(server, id);
        enabled.Properties["ContinuousIntegrationBuild"] = "true";
        var disabled = Project(server, id);
        disabled.Properties["QarionUploadEnabled"] = "false";

        var on = await enabled.BuildAsync(Env());
        var off = await disabled.BuildAsync(Env(("CI", "true")));

        Assert.Equal(0, on.ExitCode);
        Assert.Equal(0, off.ExitCode);
        Assert.Contains("Qarion: dbt: upload skipped: QarionUploadEnabled is 'false' (set explicitly; CI build: true).", off.Output);
        Assert.DoesNotContain("not a CI build", off.Output);
        Assert.Single(server.State.Uploads);
    }

    [Fact]
    public async Task A_hook_target_that_does_not_exist_is_a_coded_warning_not_silence()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server, server.Seed("jaffle_shop"));
        project.Properties["QarionUploadEnabled"] = "true";
        project.Properties["QarionUploadAfterTargets"] = "DbtBiuld";

        var result = await project.BuildAsync(Env());

        Assert.Equal(0, result.ExitCode);
        // Pointed at the user's project, where the property is set, not at the package's targets file.
        Assert.Contains($"{Path.Combine(project.Directory, "dbt.proj")} : warning QRN3001", result.Output);
        Assert.Contains("'DbtBiuld'", result.Output);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task The_upload_follows_the_users_dbt_target_and_sends_what_dbt_wrote()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server, server.Seed("jaffle_shop"));
        File.Delete(project.ManifestPath);
        var standIn = Path.Combine(TestData.RepositoryRoot, "samples", "dbt-standin");
        project.Properties["QarionUploadEnabled"] = "true";
        project.Properties["QarionUploadAfterTargets"] = "DbtBuild";
        project.ExtraXml = $"""
              <Target Name="DbtBuild" AfterTargets="Build">
                <Exec Command="{standIn}/dbt build --project-dir &quot;$(MSBuildProjectDirectory)&quot;" EnvironmentVariables="DBT_STANDIN_MANIFEST={TestData.Manifest("fivetran-hubspot.manifest.json")}" />
              </Target>
            """;

        var result = await project.BuildAsync(Env());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(result.Output.IndexOf("dbt stand-in: build", StringComparison.Ordinal) < result.Output.IndexOf("Qarion: dbt: uploaded", StringComparison.Ordinal));
        Assert.DoesNotContain("QRN3001", result.Output);
        Assert.Equal(TestData.Sha256(TestData.Manifest("fivetran-hubspot.manifest.json")), Assert.Single(server.State.Uploads).Sha256);
    }

    [Fact]
    public async Task A_design_time_build_never_uploads()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server, server.Seed("jaffle_shop"));
        project.Properties["QarionUploadEnabled"] = "true";

        var result = await project.BuildAsync(Env(), "-p:DesignTimeBuild=true");

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("Qarion:", result.Output);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_missing_manifest_fails_the_build_pointing_at_the_project()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server, server.Seed("jaffle_shop"));
        File.Delete(project.ManifestPath);
        project.Properties["QarionUploadEnabled"] = "true";

        var result = await project.BuildAsync(Env());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"dbt.proj : error QRN1001: The dbt manifest {project.ManifestPath} does not exist", result.Output);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task QarionDbtProjectDir_moves_the_default_manifest_path()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server, server.Seed("jaffle_shop"));
        var dbtDir = Path.Combine(project.Directory, "dbt_project");
        Directory.CreateDirectory(Path.Combine(dbtDir, "target"));
        File.Move(project.ManifestPath, Path.Combine(dbtDir, "target", "manifest.json"));
        project.Properties["QarionUploadEnabled"] = "true";
        project.Properties["QarionDbtProjectDir"] = dbtDir;

        var result = await project.BuildAsync(Env());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(server.State.Uploads);
    }

    [Fact]
    public async Task Derived_defaults_see_values_set_after_the_package_as_Directory_Build_targets_does()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server, server.Seed("jaffle_shop"));
        var dbtDir = Path.Combine(project.Directory, "dbt_project");
        Directory.CreateDirectory(Path.Combine(dbtDir, "target"));
        File.Move(project.ManifestPath, Path.Combine(dbtDir, "target", "manifest.json"));
        project.LateXml = """
              <PropertyGroup>
                <QarionDbtProjectDir>$(MSBuildProjectDirectory)/dbt_project</QarionDbtProjectDir>
                <ContinuousIntegrationBuild>true</ContinuousIntegrationBuild>
              </PropertyGroup>
            """;

        var result = await project.BuildAsync(Env());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Qarion: dbt: uploaded dbt_project/target/manifest.json", result.Output);
        Assert.Single(server.State.Uploads);
    }

    [Fact]
    public async Task QarionUploadDependsOn_runs_its_targets_before_the_upload()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server, server.Seed("jaffle_shop"));
        File.Delete(project.ManifestPath);
        project.Properties["QarionUploadEnabled"] = "true";
        project.Properties["QarionUploadDependsOn"] = "WriteManifest";
        project.ExtraXml = $"""
              <Target Name="WriteManifest">
                <Copy SourceFiles="{Jaffle}" DestinationFiles="$(MSBuildProjectDirectory)/target/manifest.json" />
              </Target>
            """;

        var result = await project.BuildAsync(Env());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(TestData.Sha256(Jaffle), Assert.Single(server.State.Uploads).Sha256);
    }

    [Fact]
    public async Task Question_reports_a_pending_upload_as_QRN3004_and_an_up_to_date_one_as_fine_and_never_sends()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server, server.Seed("jaffle_shop"));
        project.Properties["QarionUploadEnabled"] = "true";

        var pending = await project.BuildAsync(Env(), "-question");
        Assert.Equal(1, pending.ExitCode);
        Assert.Contains("error QRN3004", pending.Output);
        Assert.Contains("no record of an earlier upload", pending.Output);
        Assert.Empty(server.Requests);

        Assert.Equal(0, (await project.BuildAsync(Env())).ExitCode);
        var requests = server.Requests.Count;
        var upToDate = await project.BuildAsync(Env(), "-question");

        Assert.True(upToDate.ExitCode == 0, upToDate.ToString());
        Assert.Equal(requests, server.Requests.Count);
    }

    [Fact]
    public async Task Question_says_which_setting_changed_and_takes_a_named_connector_as_recorded_without_a_request()
    {
        await using var server = await ServerHarness.StartAsync();
        server.Seed("jaffle_shop");
        var project = Project(server, "");
        project.Properties.Remove("QarionConnectorId");
        project.Properties["QarionConnectorName"] = "jaffle_shop";
        project.Properties["QarionUploadEnabled"] = "true";
        Assert.Equal(0, (await project.BuildAsync(Env())).ExitCode);
        var requests = server.Requests.Count;

        var upToDate = await project.BuildAsync(Env(), "-question", "-v:n");
        project.Properties["QarionSpace"] = "finance";
        var moved = await project.BuildAsync(Env(), "-question");

        Assert.True(upToDate.ExitCode == 0, upToDate.ToString());
        Assert.Contains("the connector named 'jaffle_shop' is taken to be", upToDate.Output);
        Assert.Contains("-question sends no request to look it up", upToDate.Output);
        Assert.Equal(1, moved.ExitCode);
        Assert.Contains("error QRN3004", moved.Output);
        Assert.Contains("QarionSpace changed since the last upload (it went to space 'analytics')", moved.Output);
        Assert.Equal(requests, server.Requests.Count);
    }
}
