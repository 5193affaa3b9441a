using Qarion.Build.Tests.Support;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>Pull-request builds check the manifest without touching the catalog; the CI run's page says what happened.</summary>
public sealed class PullRequestTests
{
    private static readonly string Jaffle = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

    private static Dictionary<string, string?> Env(string? key, params (string Name, string Value)[] variables)
    {
        var env = new Dictionary<string, string?> { ["CI"] = "true", ["QARION_API_KEY"] = key };
        foreach (var (name, value) in variables)
        {
            env[name] = value;
        }

        return env;
    }

    private static TargetsProject Project(ServerHarness server, string connector = "jaffle_shop")
    {
        var project = new TargetsProject("pr").WithManifest(Jaffle);
        project.Properties["QarionSpace"] = ServerHarness.Space;
        project.Properties["QarionConnectorName"] = connector;
        project.Properties["QarionApiUrl"] = server.Server.Url.ToString();
        return project;
    }

    public static TheoryData<string, string, string> PullRequestVariables() => new()
    {
        { "GITHUB_EVENT_NAME", "pull_request", "GitHub Actions, event pull_request" },
        { "GITHUB_EVENT_NAME", "pull_request_target", "GitHub Actions, event pull_request_target" },
        { "GITHUB_EVENT_NAME", "merge_group", "GitHub Actions, event merge_group" },
        { "BUILD_REASON", "PullRequest", "Azure Pipelines, BUILD_REASON=PullRequest" },
        { "CI_MERGE_REQUEST_IID", "17", "GitLab, a merge request" },
        { "CI_PIPELINE_SOURCE", "merge_request_event", "GitLab, a merge request" },
        { "BITBUCKET_PR_ID", "5", "Bitbucket, BITBUCKET_PR_ID=5" },
        { "BUILDKITE_PULL_REQUEST", "42", "Buildkite, BUILDKITE_PULL_REQUEST=42" },
        { "CHANGE_ID", "7", "Jenkins, CHANGE_ID=7" },
        { "CIRCLE_PULL_REQUEST", "https://github.com/o/r/pull/3", "CircleCI, a pull request" },
    };

    [Theory]
    [MemberData(nameof(PullRequestVariables))]
    public async Task A_pull_request_build_checks_and_resolves_but_never_uploads(string variable, string value, string said)
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var project = Project(server);

        var result = await project.BuildAsync(Env(ServerHarness.Key, (variable, value)));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Qarion: dbt: checked target/manifest.json (1.0 MB, manifest schema v12, dbt 1.10.13, 40 nodes)", result.Output);
        Assert.Contains($"connector 'jaffle_shop' ({id}) found; not uploaded: a pull-request build ({said}). Set QarionUploadOnPullRequest=true to upload from pull requests.", result.Output);
        Assert.Empty(server.State.Uploads);
        Assert.All(server.Requests, r => Assert.Equal("GET", r.Method));
    }

    [Fact]
    public async Task Not_a_pull_request_when_Buildkite_says_false()
    {
        await using var server = await ServerHarness.StartAsync();
        server.Seed("jaffle_shop");

        var result = await Project(server).BuildAsync(Env(ServerHarness.Key, ("BUILDKITE", "true"), ("BUILDKITE_PULL_REQUEST", "false")));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(server.State.Uploads);
    }

    [Fact]
    public async Task A_broken_manifest_still_fails_a_pull_request_with_its_code()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server).WithManifest(TestData.BrokenManifest);

        var result = await project.BuildAsync(Env(null, ("GITHUB_EVENT_NAME", "pull_request")));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{project.ManifestPath}(1,1): error QRN1003", result.Output);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_pull_request_from_a_fork_has_no_key_and_still_passes_the_check()
    {
        await using var server = await ServerHarness.StartAsync();

        var result = await Project(server).BuildAsync(Env(null, ("GITHUB_EVENT_NAME", "pull_request")));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("not looked up (no API key here, which is fine for a check)", result.Output);
        Assert.DoesNotContain("QRN1103", result.Output);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_wrong_connector_name_is_caught_before_merge()
    {
        await using var server = await ServerHarness.StartAsync();
        server.Seed("jaffle_shop");

        var result = await Project(server, "jafle_shop").BuildAsync(Env(ServerHarness.Key, ("BUILD_REASON", "PullRequest"), ("TF_BUILD", "True")));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error QRN2004", result.Output);
        Assert.Empty(server.State.Uploads);
    }

    [Theory]
    [InlineData("QarionUploadOnPullRequest", "true", true)]
    [InlineData("QarionUploadEnabled", "true", true)]
    [InlineData("QarionUploadEnabled", "false", false)]
    public async Task Opting_in_uploads_from_a_pull_request_and_an_explicit_switch_wins(string property, string value, bool uploads)
    {
        await using var server = await ServerHarness.StartAsync();
        server.Seed("jaffle_shop");
        var project = Project(server);
        project.Properties[property] = value;

        var result = await project.BuildAsync(Env(ServerHarness.Key, ("GITHUB_EVENT_NAME", "pull_request")));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(uploads ? 1 : 0, server.State.Uploads.Count);
        Assert.DoesNotContain("checked target/manifest.json", result.Output);
    }

    [Fact]
    public async Task QarionCheckOnly_is_a_local_dry_run()
    {
        await using var server = await ServerHarness.StartAsync();
        server.Seed("jaffle_shop");
        var project = Project(server);
        project.Properties["QarionCheckOnly"] = "true";

        var result = await project.BuildAsync(new Dictionary<string, string?> { ["QARION_API_KEY"] = ServerHarness.Key });

        Assert.True(result.ExitCode == 0, result.ToString());
        // The hint fits the reason: the user asked for a dry run; no pull request is in sight.
        Assert.Contains("not uploaded: QarionCheckOnly is true (a dry run).", result.Output);
        Assert.DoesNotContain("QarionUploadOnPullRequest", result.Output);
        Assert.Empty(server.State.Uploads);
    }

    [Fact]
    public async Task GitHub_Actions_gets_a_summary_row_for_the_upload_without_the_key()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var summary = Path.Combine(TestData.TempDirectory("summary"), "step_summary.md");
        File.WriteAllText(summary, "## Build\n\nEarlier step output.\n");

        var project = Project(server);
        var result = await project.BuildAsync(Env(ServerHarness.Key, ("GITHUB_ACTIONS", "true"), ("GITHUB_STEP_SUMMARY", summary)));

        Assert.True(result.ExitCode == 0, result.ToString());
        var text = File.ReadAllText(summary);
        Assert.StartsWith("## Build\n\nEarlier step output.\n\n### Qarion\n\n| Project | Manifest | Space and connector | Result |\n|---|---|---|---|\n", text);
        var row = Assert.Single(text.Split('\n'), l => l.StartsWith("| dbt |", StringComparison.Ordinal));
        Assert.Contains("target/manifest.json, 1.0 MB, schema v12, dbt 1.10.13, 40 nodes", row);
        Assert.Contains($"space 'analytics', connector 'jaffle_shop' ({id})", row);
        var job = Assert.Single(server.State.Uploads).JobId;
        Assert.Contains($"uploaded: sync job {job}", row);
        Assert.Null(KeyForms.FoundIn(text));

        // Unchanged the next time: the row still shows what the manifest is and where it went, from the stamp.
        var again = await project.BuildAsync(Env(ServerHarness.Key, ("GITHUB_ACTIONS", "true"), ("GITHUB_STEP_SUMMARY", summary)));
        Assert.True(again.ExitCode == 0, again.ToString());
        var skipped = File.ReadAllLines(summary).Last(l => l.StartsWith("| dbt |", StringComparison.Ordinal));
        Assert.Equal($"| dbt | target/manifest.json, 1.0 MB, schema v12, dbt 1.10.13, 40 nodes | space 'analytics', connector 'jaffle_shop' ({id}) | unchanged since its upload (sync job {job}); skipped |", skipped);
    }

    [Fact]
    public async Task A_failure_and_a_pull_request_check_get_their_rows_and_no_query_string()
    {
        await using var server = await ServerHarness.StartAsync();
        var summary = Path.Combine(TestData.TempDirectory("summary"), "step_summary.md");
        var broken = Project(server).WithManifest(TestData.BrokenManifest);
        var checkedOnly = Project(server);
        checkedOnly.Properties["QarionApiUrl"] = server.Server.Url + "?sig=s3cr3t-signature";

        await broken.BuildAsync(Env(null, ("GITHUB_ACTIONS", "true"), ("GITHUB_STEP_SUMMARY", summary)));
        var refused = await checkedOnly.BuildAsync(Env(null, ("GITHUB_ACTIONS", "true"), ("GITHUB_EVENT_NAME", "pull_request"), ("GITHUB_STEP_SUMMARY", summary)));

        var text = File.ReadAllText(summary);
        var rows = text.Split('\n').Where(l => l.StartsWith("| dbt |", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Single(text.Split('\n'), l => l == "| Project | Manifest | Space and connector | Result |");
        Assert.StartsWith("| dbt | target/manifest.json | space 'analytics', connector 'jaffle_shop' | failed QRN1003", rows[0]);
        // A query cannot stay on the requests made below the URL: refused, and its value shown nowhere.
        Assert.Contains("failed QRN1104", rows[1]);
        Assert.DoesNotContain("s3cr3t", text);
        Assert.DoesNotContain("s3cr3t", refused.Output);
    }

    [Fact]
    public async Task Azure_Pipelines_gets_the_summary_as_a_file_announced_with_uploadsummary()
    {
        await using var server = await ServerHarness.StartAsync();
        server.Seed("jaffle_shop");
        var project = Project(server);

        var result = await project.BuildAsync(Env(ServerHarness.Key, ("TF_BUILD", "True"), ("BUILD_REASON", "PullRequest")));

        Assert.True(result.ExitCode == 0, result.ToString());
        var file = Path.Combine(project.Directory, "obj", "qarion", "summary.md");
        Assert.Contains($"##vso[task.uploadsummary]{file}", result.Output);
        Assert.Contains("| dbt |", File.ReadAllText(file));
        Assert.Contains("| checked only: a pull-request build (Azure Pipelines, BUILD_REASON=PullRequest) |", File.ReadAllText(file));
    }
}
