namespace Qarion.Cli.Tests;

/// <summary>upload-dbt-manifest as a process: what was checked is what the server received; a missing or broken file sends nothing.</summary>
[Collection(ToolCollection.Name)]
public sealed class UploadCommandTests(ToolFixture tool) : ToolTest(tool)
{
    private const string Space = ServerHarness.Space;
    private static readonly string Good = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

    [Fact]
    public async Task A_good_manifest_reaches_the_server_byte_for_byte()
    {
        var id = Server.Seed("dbt");

        var result = await QarionAsync("connectors", "upload-dbt-manifest", "--space", Space, "--connector", "dbt", "--file", Good);

        Assert.Equal(0, result.ExitCode);
        var received = Assert.Single(Server.State.Uploads);
        Assert.Equal(TestData.Sha256(Good), received.Sha256);
        Assert.Equal(id, received.ConnectorId);
        Assert.StartsWith($"Uploaded {Good} (", result.Out, StringComparison.Ordinal);
        Assert.Contains($"to space '{Space}', connector 'dbt' ({id}): sync job {received.JobId}", result.Out, StringComparison.Ordinal);
        // Redirected output: no progress line.
        Assert.DoesNotContain("Uploading", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', result.Error);
    }

    [Fact]
    public async Task With_wait_a_succeeding_sync_is_reported_in_json()
    {
        var id = Server.Seed("dbt");

        var result = await QarionAsync("connectors", "upload-dbt-manifest", "--space", Space, "--connector", id, "--file", Good, "--wait", "-o", "json");

        Assert.Equal(0, result.ExitCode);
        var json = result.Json;
        Assert.Equal("succeeded", json["sync_job"]!["status"]!.GetValue<string>());
        Assert.Equal(Single().JobId, json["sync_job"]!["id"]!.GetValue<string>());
        Assert.True(json["uploaded"]!.GetValue<bool>());
        Assert.Equal(new FileInfo(Good).Length, json["manifest"]!["bytes"]!.GetValue<long>());
        Assert.Equal(TestData.Xxh64(Good), json["manifest"]!["fingerprint"]!.GetValue<string>());
        Assert.Equal(id, json["connector"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task With_wait_a_failing_sync_exits_7_with_QRN2101_and_the_server_s_reason()
    {
        Server.Seed("dbt");
        Server.State.ForcedSyncFailure = "warehouse credentials expired";

        var result = await QarionAsync("connectors", "upload-dbt-manifest", "--space", Space, "--connector", "dbt", "--file", Good, "--wait");

        Assert.Equal(7, result.ExitCode);
        Assert.Contains($"error QRN2101: Qarion's sync job {Single().JobId} for space '{Space}' failed: warehouse credentials expired. The manifest was uploaded; fix what the message says and run it again.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_fails_with_QRN1001_before_any_request()
    {
        Server.Seed("dbt");
        var missing = Path.Combine(TestData.TempDirectory("cli-missing"), "target", "manifest.json");

        var result = await QarionAsync("connectors", "upload-dbt-manifest", "--space", Space, "--connector", "dbt", "--file", missing, "-o", "json");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("QRN1001", result.Json["error"]!["code"]!.GetValue<string>());
        Assert.Contains($"error QRN1001: The dbt manifest {missing} does not exist. Run `dbt build` or `dbt parse` in the dbt project first, or point --file at the file.", result.Error, StringComparison.Ordinal);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task A_broken_manifest_is_refused_with_its_code_line_and_column_and_nothing_is_sent()
    {
        Server.Seed("dbt");

        var result = await QarionAsync("connectors", "upload-dbt-manifest", "--space", Space, "--connector", "dbt", "--file", TestData.BrokenManifest, "-o", "json");

        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith($"{TestData.BrokenManifest}(1,1): error QRN1003: The file is not valid JSON", result.Error, StringComparison.Ordinal);
        var error = result.Json["error"]!;
        Assert.Equal(("QRN1003", 1L, 1L, 3), (error["code"]!.GetValue<string>(), error["line"]!.GetValue<long>(), error["column"]!.GetValue<long>(), error["exit_code"]!.GetValue<int>()));
        Assert.Empty(Server.Requests);
        Assert.Empty(Server.State.AbortedUploads);
    }

    [Fact]
    public async Task A_run_results_file_is_not_a_manifest()
    {
        Server.Seed("dbt");
        var runResults = Directory.GetFiles(Path.Combine(TestData.RepositoryRoot, "tests", "data", "dbt-run-results"), "*run_results*.json", SearchOption.AllDirectories).First();

        var result = await QarionAsync("connectors", "upload-dbt-manifest", "--space", Space, "--connector", "dbt", "--file", runResults);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("error QRN1004:", result.Error, StringComparison.Ordinal);
        Assert.Contains("--file must name dbt's target/manifest.json", result.Error, StringComparison.Ordinal);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Check_only_checks_and_resolves_and_sends_nothing()
    {
        var id = Server.Seed("dbt");

        var result = await QarionAsync("connectors", "upload-dbt-manifest", "--space", Space, "--connector", "dbt", "--file", Good, "--check-only", "-o", "json");
        var noKey = await QarionAsync(["connectors", "upload-dbt-manifest", "--space", Space, "--connector", "dbt", "--file", Good, "--check-only"],
            new Dictionary<string, string?> { ["QARION_BASE_URL"] = Server.Server.Url.ToString() });

        Assert.Equal(0, result.ExitCode);
        Assert.False(result.Json["uploaded"]!.GetValue<bool>());
        Assert.Equal(id, result.Json["connector"]!["id"]!.GetValue<string>());
        Assert.Empty(Server.State.Uploads);
        Assert.DoesNotContain(Server.Requests, r => r.Method != "GET");
        Assert.Equal(0, noKey.ExitCode);
        Assert.Contains("connector 'dbt' not looked up (no API key in QARION_API_KEY, which is fine for a check); not uploaded (--check-only).", noKey.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_file_defaults_to_target_manifest_json_of_the_current_folder()
    {
        Server.Seed("dbt");
        var project = TestData.TempDirectory("cli-project");
        Directory.CreateDirectory(Path.Combine(project, "target"));
        File.Copy(Good, Path.Combine(project, "target", "manifest.json"));

        var result = await CliRun.RunAsync(Tool.Qarion, ["connectors", "upload-dbt-manifest", "--space", Space, "--connector", "dbt"], Environment(), workingDirectory: project);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(TestData.Sha256(Good), Single().Sha256);
    }

    private Qarion.LocalServer.State.ReceivedUpload Single() => Assert.Single(Server.State.Uploads);
}
