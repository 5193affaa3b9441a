using Qarion.Build.Tests.Support;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>Integrity and secrecy through a real `dotnet build` of a project that references the packed package.</summary>
[Collection(ConsumerCollection2.Name)]
public sealed class EndToEndTrustTests(PackageFixture package)
{
    private static readonly string Jaffle = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

    private static Dictionary<string, string?> Ci(string? key = ServerHarness.Key) => ConsumerProject.Ci(key);

    private ConsumerProject Project(ServerHarness server) => ConsumerProject.For(package, server, "trust");

    [Fact]
    public async Task Plain_http_to_loopback_never_goes_through_HTTP_PROXY()
    {
        await using var server = await ServerHarness.StartAsync();
        await using var proxy = new RecordingProxy();
        var project = Project(server);
        project.Properties["QarionConnectorName"] = "jaffle_shop";
        server.Seed("jaffle_shop");
        var environment = Ci();
        foreach (var name in new[] { "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy" })
        {
            environment[name] = proxy.Url;
        }

        var result = await project.BuildAsync(environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(0, proxy.Connections);
        Assert.Null(KeyForms.FoundIn(proxy.Received));
        Assert.Equal(TestData.Sha256(Jaffle), Assert.Single(server.State.Uploads).Sha256);
    }

    [Fact]
    public async Task A_target_folder_that_is_a_symlink_uploads_byte_identical()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server);
        project.Properties["QarionConnectorId"] = server.Seed("jaffle_shop");
        // dbt's target-path elsewhere (a monorepo's build output), linked into the project as target/.
        var elsewhere = Path.Combine(project.Root, "build-output", "jaffle_shop");
        Directory.CreateDirectory(elsewhere);
        File.Move(project.ManifestPath, Path.Combine(elsewhere, "real-manifest.json"));
        Directory.Delete(Path.GetDirectoryName(project.ManifestPath)!);
        File.CreateSymbolicLink(Path.Combine(elsewhere, "manifest.json"), Path.Combine(elsewhere, "real-manifest.json"));
        Directory.CreateSymbolicLink(Path.GetDirectoryName(project.ManifestPath)!, elsewhere);

        var result = await project.BuildAsync(Ci());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Qarion: jaffle_shop: uploaded", result.Output);
        Assert.Equal(TestData.Sha256(Jaffle), Assert.Single(server.State.Uploads).Sha256);
    }

    [Fact]
    public async Task A_manifest_overwritten_while_the_connector_is_resolved_fails_the_build_with_QRN1007()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server);
        project.Properties["QarionConnectorName"] = "jaffle_shop";
        server.Seed("jaffle_shop");
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.State.Faults.Add(new Fault { PathContains = "/connectors", Reached = reached, HoldUntil = release });
        project.Write();

        var result = await DotnetRunner.RunProgramAsync("dotnet", project.Directory, ["build", project.ProjectPath, "-nr:false"], Ci(), TimeSpan.FromMinutes(3), async process =>
        {
            await reached.Task.WaitAsync(TimeSpan.FromMinutes(2));
            var garbage = new byte[new FileInfo(project.ManifestPath).Length];
            Random.Shared.NextBytes(garbage);
            await File.WriteAllBytesAsync(project.ManifestPath, garbage);
            release.SetResult();
        });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error QRN1007", result.Output);
        Assert.DoesNotContain("Qarion: jaffle_shop: uploaded", result.Output);
        Assert.Empty(server.State.Uploads);
        Assert.False(File.Exists(Path.Combine(project.Directory, "obj", "qarion", "upload.stamp")));
    }

    [Fact]
    public async Task A_stamp_that_cannot_be_written_warns_and_the_build_succeeds()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server);
        project.Properties["QarionConnectorId"] = server.Seed("jaffle_shop");
        Directory.CreateDirectory(Path.Combine(project.Directory, "obj", "qarion", "upload.stamp"));

        var result = await project.BuildAsync(Ci());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("warning QRN3003", result.Output);
        Assert.Contains("Qarion: jaffle_shop: uploaded", result.Output);
        Assert.Single(server.State.Uploads);
    }

    [Fact]
    public async Task A_key_with_a_line_break_is_QRN1106_before_any_request_and_is_never_printed()
    {
        const string key = "qk_line-one\nline-two-7d1f2c9a";
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server);
        project.Properties["QarionConnectorId"] = server.Seed("jaffle_shop");

        var result = await project.BuildAsync(Ci(key), "-v:diag");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error QRN1106", result.Output);
        Assert.DoesNotContain("line-two-7d1f2c9a", result.Output);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_2xx_answer_echoing_the_headers_fails_with_QRN2011_and_no_key_in_the_log()
    {
        await using var server = await ServerHarness.StartAsync();
        var project = Project(server);
        project.Properties["QarionConnectorName"] = "jaffle_shop";
        server.State.Faults.Add(new Fault { Status = 200, Body = "echo-text", PathContains = "/connectors" });

        var result = await project.BuildAsync(Ci(), "-v:diag");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error QRN2011", result.Output);
        Assert.Contains("Bearer ***", result.Output);
        Assert.Null(KeyForms.FoundIn(result.Output));
    }
}
