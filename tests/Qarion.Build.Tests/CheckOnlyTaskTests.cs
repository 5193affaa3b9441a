using Qarion.Build.Tests.Support;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>The task checking only (a dry run, a pull request, a developer's build): what is looked up, what is said, what is kept, and that nothing is sent.</summary>
public sealed class CheckOnlyTaskTests
{
    private static readonly string Jaffle = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");
    private const string Facts = "1.0 MB, manifest schema v12, dbt 1.10.13, 40 nodes";

    private static TaskRun CheckOnly(ServerHarness server, string reason, string? manifest = null)
    {
        var run = new TaskRun(server, manifest ?? Jaffle) { Task = { ConnectorId = null, ConnectorName = "jaffle_shop", CheckOnly = "true", CheckOnlyReason = reason } };
        run.Task.CheckStampFile = Path.Combine(TestData.TempDirectory("check-only"), "obj", "qarion", "check.stamp");
        return run;
    }

    private static string Shown(string path) => Reporting.Wording.Display(path);

    [Fact]
    public async Task A_dry_run_with_a_key_looks_the_connector_up_read_only_and_sends_nothing()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var run = CheckOnly(server, "QarionCheckOnly");

        Assert.True(run.Execute(), run.Engine.AllText);

        Assert.Contains($"Qarion: jaffle: checked {Shown(Jaffle)} ({Facts}) for space 'analytics', connector 'jaffle_shop' ({id}) found; not uploaded: QarionCheckOnly is true (a dry run).", run.Engine.AllText);
        Assert.All(server.Requests, r => Assert.Equal("GET", r.Method));
        Assert.NotEmpty(server.Requests);
        Assert.Empty(server.State.Uploads);
        Assert.False(File.Exists(run.Task.CheckStampFile), "only a developer build keeps a check stamp");
    }

    [Fact]
    public async Task A_pull_request_without_a_key_checks_with_no_request_at_all()
    {
        await using var server = await ServerHarness.StartAsync();
        server.Seed("jaffle_shop");
        var run = CheckOnly(server, "PullRequest");
        run.Task.PullRequest = "GitHub Actions, event pull_request";
        run.Environment.Remove("QARION_API_KEY");

        Assert.True(run.Execute(), run.Engine.AllText);

        Assert.Contains(
            $"Qarion: jaffle: checked {Shown(Jaffle)} ({Facts}) for space 'analytics', connector 'jaffle_shop' not looked up (no API key here, which is fine for a check); " +
            "not uploaded: a pull-request build (GitHub Actions, event pull_request). Set QarionUploadOnPullRequest=true to upload from pull requests.",
            run.Engine.AllText);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_developer_build_makes_no_request_even_with_a_key_and_says_so_again_while_the_file_is_unchanged()
    {
        await using var server = await ServerHarness.StartAsync();
        server.Seed("jaffle_shop");
        var first = CheckOnly(server, "NotCI");

        Assert.True(first.Execute(), first.Engine.AllText);
        Assert.Contains("connector 'jaffle_shop' not looked up (a developer build makes no request); not uploaded: not a CI build. Set QarionUploadEnabled=true to upload from here.", first.Engine.AllText);
        Assert.True(File.Exists(first.Task.CheckStampFile));

        var again = CheckOnly(server, "NotCI");
        again.Task.CheckStampFile = first.Task.CheckStampFile;
        Assert.True(again.Execute(), again.Engine.AllText);

        Assert.Contains($"Qarion: jaffle: {Shown(Jaffle)} is unchanged since it was checked ({Facts}); not uploaded: not a CI build. Set QarionUploadEnabled=true to upload from here.", again.Engine.AllText);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_broken_manifest_fails_the_check_with_its_code_and_place()
    {
        await using var server = await ServerHarness.StartAsync();
        var run = CheckOnly(server, "PullRequest", TestData.BrokenManifest);

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal(("QRN1003", 1), (error.Code, error.LineNumber));
        Assert.Empty(server.Requests);
        Assert.False(File.Exists(run.Task.CheckStampFile));
    }
}
