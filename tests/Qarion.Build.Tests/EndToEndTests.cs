using System.IO.Compression;
using System.Text;
using Qarion.Build.Tests.Support;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>Real `dotnet build`s of throwaway dbt projects that reference the packed Qarion.Build, against the local server.</summary>
[Collection(ConsumerCollection.Name)]
public sealed class EndToEndTests(PackageFixture package)
{
    private static readonly string Jaffle = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

    private static Dictionary<string, string?> Ci(string? key = ServerHarness.Key) => ConsumerProject.Ci(key);

    private ConsumerProject Project(ServerHarness server, string name = "jaffle_shop", string? root = null) =>
        ConsumerProject.For(package, server, "e2e", name, root);

    private static void AssertSucceeded(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Null(KeyForms.FoundIn(result.Output));
    }

    [Fact]
    public async Task A_ci_build_uploads_by_name_byte_identical()
    {
        await using var server = await ServerHarness.StartAsync();
        server.Seed("orders");
        var id = server.Seed("jaffle_shop");
        var project = Project(server);
        project.Properties["QarionConnectorName"] = "jaffle_shop";

        var result = await project.BuildAsync(Ci());

        AssertSucceeded(result);
        var upload = Assert.Single(server.State.Uploads);
        Assert.Equal((id, TestData.Sha256(Jaffle)), (upload.ConnectorId, upload.Sha256));
        Assert.Contains($"Qarion: jaffle_shop: uploaded target/manifest.json (1.0 MB, manifest schema v12, dbt 1.10.13, 40 nodes) to space 'analytics', connector 'jaffle_shop' ({id}): sync job {upload.JobId}", result.Output);
        Assert.Contains($"sync-job-id=[{upload.JobId}]", result.Output);
    }

    [Fact]
    public async Task By_id_with_diagnostic_verbosity_and_a_binlog_the_key_appears_nowhere()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var project = Project(server);
        project.Properties["QarionConnectorId"] = id;
        var binlog = Path.Combine(project.Directory, "build.binlog");

        var result = await project.BuildAsync(Ci(), "-v:diag", $"-bl:{binlog}");

        AssertSucceeded(result);
        Assert.Single(server.State.Uploads);
        Assert.Contains("QarionApiKeyEnvironmentVariable", result.Output);
        // The targets hand the task the help base the package was packed with: the docs of its commit.
        var head = (await DotnetRunner.RunProgramAsync("git", TestData.RepositoryRoot, ["rev-parse", "HEAD"])).Output.Trim();
        Assert.Contains($"HelpBase=https://github.com/qarion-build/Qarion.Build/blob/{head}/docs/diagnostics.md#", result.Output);
        using var raw = new GZipStream(File.OpenRead(binlog), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        await raw.CopyToAsync(bytes);
        Assert.True(bytes.Length > 100_000);
        var content = bytes.ToArray();
        Assert.Equal(-1, content.AsSpan().IndexOf(Encoding.UTF8.GetBytes(ServerHarness.Key)));
        Assert.Equal(-1, content.AsSpan().IndexOf(Encoding.Unicode.GetBytes(ServerHarness.Key)));
    }

    [Fact]
    public async Task A_missing_manifest_fails_the_build_with_QRN1001_and_no_request()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server);
        project.Properties["QarionConnectorName"] = "jaffle_shop";
        File.Delete(project.ManifestPath);

        var result = await project.BuildAsync(Ci());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error QRN1001: The dbt manifest {project.ManifestPath} does not exist", result.Output);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_broken_manifest_fails_the_build_with_QRN1003_on_the_file()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server).WithManifest(TestData.BrokenManifest);
        project.Properties["QarionConnectorId"] = server.Seed("hubspot");

        var result = await project.BuildAsync(Ci());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{project.ManifestPath}(1,1): error QRN1003", result.Output);
        Assert.Empty(server.State.Uploads);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("bad-key", "QRN2001")]
    [InlineData("unknown-connector", "QRN2004")]
    [InlineData("ambiguous", "QRN2005")]
    public async Task Service_and_lookup_failures_fail_the_build_with_their_code(string scenario, string code)
    {
        await using var server = await ServerHarness.StartAsync(o =>
        {
            o.Connectors.Add(new("analytics", "jaffle_shop", "dbt_manifest", null));
            if (scenario == "ambiguous")
            {
                o.Connectors.Add(new("analytics", "jaffle_shop", "dbt", null));
            }
        });
        var project = Project(server);
        project.Properties["QarionConnectorName"] = scenario == "unknown-connector" ? "jaffle" : "jaffle_shop";

        var result = await project.BuildAsync(Ci(scenario == "bad-key" ? "expired-key-0001" : ServerHarness.Key));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error {code}", result.Output);
        Assert.DoesNotContain("expired-key-0001", result.Output);
        Assert.Empty(server.State.Uploads);
    }

    [Fact]
    public async Task A_429_is_waited_out_and_the_build_succeeds()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server);
        project.Properties["QarionConnectorId"] = server.Seed("jaffle_shop");
        server.State.Faults.Add(new Fault { Status = 429, RetryAfter = "1", PathContains = "dbt-manifest" });

        var result = await project.BuildAsync(Ci());

        AssertSucceeded(result);
        Assert.Equal([429, 202], server.Requests.Select(r => r.Status));
        Assert.Single(server.State.Uploads);
    }

    [Fact]
    public async Task Waiting_for_a_successful_sync_exposes_its_status()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server);
        project.Properties["QarionConnectorId"] = server.Seed("jaffle_shop");
        project.Properties["QarionWaitForSync"] = "true";
        project.Properties["QarionSyncPollSeconds"] = "0.1";

        var result = await project.BuildAsync(Ci());

        AssertSucceeded(result);
        Assert.Contains("status=[succeeded]", result.Output);
        Assert.Matches(@"sync job [0-9a-f-]{36} succeeded: \d+ tables added", result.Output);
    }

    [Fact]
    public async Task A_failed_sync_fails_the_build_with_the_servers_message()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.ForcedSyncFailure = "Snowflake warehouse ANALYTICS is suspended.";
        var project = Project(server);
        project.Properties["QarionConnectorId"] = server.Seed("jaffle_shop");
        project.Properties["QarionWaitForSync"] = "true";
        project.Properties["QarionSyncPollSeconds"] = "0.1";

        var result = await project.BuildAsync(Ci());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error QRN2101", result.Output);
        Assert.Contains("Snowflake warehouse ANALYTICS is suspended.", result.Output);
    }

    [Fact]
    public async Task An_unchanged_manifest_is_skipped_until_forced()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server);
        project.Properties["QarionConnectorId"] = server.Seed("jaffle_shop");

        AssertSucceeded(await project.BuildAsync(Ci()));
        var second = await project.BuildAsync(Ci());
        var forced = await project.BuildAsync(Ci(), "-p:QarionForceUpload=true");

        AssertSucceeded(second);
        Assert.Contains("is unchanged since its upload", second.Output);
        AssertSucceeded(forced);
        Assert.Contains("Qarion: jaffle_shop: uploaded", forced.Output);
        Assert.Equal(2, server.State.Uploads.Count);
        Assert.True(File.Exists(Path.Combine(project.Directory, "obj", "qarion", "upload.stamp")));
    }

    [Fact]
    public async Task Allow_failure_turns_a_server_error_into_a_warning()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server);
        project.Properties["QarionConnectorId"] = server.Seed("jaffle_shop");
        project.Properties["QarionAllowFailure"] = "true";
        server.State.Faults.Add(new Fault { Status = 500, Count = 5 });

        var result = await project.BuildAsync(Ci());

        AssertSucceeded(result);
        Assert.Contains("warning QRN2007", result.Output);
        Assert.DoesNotContain("error QRN", result.Output);
    }

    [Fact]
    public async Task Ctrl_C_during_the_upload_ends_the_build_promptly_with_nothing_recorded()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server);
        project.Properties["QarionConnectorId"] = server.Seed("jaffle_shop");
        server.State.Faults.Add(new Fault { LatencyMs = 120_000 });
        project.Write();

        var result = await DotnetRunner.RunProgramAsync("dotnet", project.Directory, ["build", project.ProjectPath, "-nr:false"], Ci(), TimeSpan.FromSeconds(90), async process =>
        {
            while (server.State.RequestsStarted == 0 && !process.HasExited)
            {
                await Task.Delay(50);
            }

            // What a terminal's Ctrl+C sends.
            using var kill = System.Diagnostics.Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            await kill.WaitForExitAsync();
        });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Qarion: jaffle_shop: upload cancelled", result.Output);
        Assert.Empty(server.State.Uploads);
        Assert.False(File.Exists(Path.Combine(project.Directory, "obj", "qarion", "upload.stamp")));
    }

    [Fact]
    public async Task A_multi_targeting_project_uploads_once()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server);
        project.TargetFrameworks = "net10.0;net8.0";
        project.Properties["QarionConnectorId"] = server.Seed("jaffle_shop");

        var result = await project.BuildAsync(Ci());

        AssertSucceeded(result);
        Assert.Single(server.State.Uploads);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Two_dbt_projects_in_one_parallel_build_each_upload_to_their_connector()
    {
        await using var server = await ServerHarness.StartAsync(o => { o.RateLimit = 3; o.RateLimitWindow = TimeSpan.FromSeconds(3); });
        var root = ConsumerProject.NewRoot("multi");
        var jaffle = Project(server, "jaffle_shop", root);
        jaffle.Properties["QarionConnectorName"] = "jaffle_shop";
        var hubspot = Project(server, "hubspot", root).WithManifest(TestData.Manifest("fivetran-hubspot.manifest.json"));
        hubspot.Properties["QarionConnectorName"] = "hubspot";
        var jaffleId = server.Seed("jaffle_shop");
        var hubspotId = server.Seed("hubspot");
        ConsumerProject.WriteSolution(jaffle, hubspot);

        var result = await DotnetRunner.RunAsync(root, ["build", "dbt.slnx", "-m:2", "-nr:false"], Ci());

        AssertSucceeded(result);
        var uploads = server.State.Uploads.ToDictionary(u => u.ConnectorId, u => u.Sha256);
        Assert.Equal(TestData.Sha256(Jaffle), uploads[jaffleId]);
        Assert.Equal(TestData.Sha256(TestData.Manifest("fivetran-hubspot.manifest.json")), uploads[hubspotId]);
        // Four requests against a bucket of three: the fourth waited for its slot, told by the answers
        // (at most one refusal, when it was sent before the third answer came back).
        Assert.Equal(4, server.Requests.Count(r => r.Status is 200 or 202));
        Assert.InRange(server.Requests.Count(r => r.Status == 429), 0, 1);
        // Each line says whose upload it was.
        Assert.Contains("Qarion: jaffle_shop: uploaded", result.Output);
        Assert.Contains("Qarion: hubspot: uploaded", result.Output);
    }
}
