using System.Text.Json;
using Qarion.Build.Tests.Support;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Build.Tests;

public sealed class TaskTests
{
    private const string Jaffle = "jaffle-shop-dbt-1.10.manifest.json";

    [Fact]
    public async Task Uploads_by_id_byte_identical_and_says_so_in_one_high_line()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var run = new TaskRun(server, TestData.Manifest(Jaffle)) { Task = { ConnectorId = id } };

        Assert.True(run.Execute());

        var upload = Assert.Single(server.State.Uploads);
        Assert.Equal(TestData.Sha256(TestData.Manifest(Jaffle)), upload.Sha256);
        Assert.Equal(upload.JobId, run.Task.SyncJobId);
        var line = Assert.Single(run.Engine.HighMessages, m => m.StartsWith("Qarion: jaffle: uploaded", StringComparison.Ordinal));
        Assert.Contains("1.0 MB, manifest schema v12, dbt 1.10.13, 40 nodes", line);
        Assert.Contains($"space 'analytics', connector {id}", line);
        Assert.Contains(upload.JobId!, line);
        Assert.Contains("MB/s", line);
        Assert.Single(server.Requests);
        // How long the check before sending took, for a detailed log.
        Assert.Single(run.Engine.Messages, m => m.Importance == Microsoft.Build.Framework.MessageImportance.Low
            && System.Text.RegularExpressions.Regex.IsMatch(m.Message ?? "", @"^Qarion: jaffle: checked and hashed .*manifest\.json \(1\.0 MB\) in \d+ ms\.$"));
    }

    [Theory]
    [MemberData(nameof(ManifestTheories.ManifestFiles), MemberType = typeof(ManifestTheories))]
    public async Task Every_real_manifest_v1_to_v12_is_accepted_and_arrives_byte_identical(string file)
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var run = new TaskRun(server, TestData.Manifest(file)) { Task = { ConnectorId = id } };

        Assert.True(run.Execute());

        Assert.Empty(run.Engine.Warnings);
        Assert.Equal(TestData.Sha256(TestData.Manifest(file)), Assert.Single(server.State.Uploads).Sha256);
    }

    [Fact]
    public async Task Resolves_the_connector_by_name()
    {
        await using var server = await ServerHarness.StartAsync();
        server.Seed("other");
        var id = server.Seed("jaffle_shop");
        var run = new TaskRun(server, TestData.Manifest(Jaffle)) { Task = { ConnectorName = "jaffle_shop" } };

        Assert.True(run.Execute());

        Assert.Equal(id, Assert.Single(server.State.Uploads).ConnectorId);
        Assert.Equal(["GET", "POST"], server.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task An_unknown_name_lists_the_connectors_that_exist()
    {
        await using var server = await ServerHarness.StartAsync();
        server.Seed("jaffle_shop");
        server.Seed("warehouse", "snowflake");
        var run = new TaskRun(server, TestData.Manifest(Jaffle)) { Task = { ConnectorName = "jafle_shop" } };

        Assert.False(run.Execute());

        Assert.Equal("QRN2004", run.ErrorCode);
        var message = run.Engine.Errors[0].Message;
        Assert.Contains("'jaffle_shop' (dbt_manifest), 'warehouse' (snowflake)", message);
        Assert.Empty(server.State.Uploads);
    }

    [Fact]
    public async Task An_ambiguous_name_lists_the_ids()
    {
        await using var server = await ServerHarness.StartAsync(o =>
        {
            o.Connectors.Add(new("analytics", "dbt", "dbt_manifest", "11111111-1111-1111-1111-111111111111"));
            o.Connectors.Add(new("analytics", "dbt", "dbt", "22222222-2222-2222-2222-222222222222"));
        });
        var run = new TaskRun(server, TestData.Manifest(Jaffle)) { Task = { ConnectorName = "dbt" } };

        Assert.False(run.Execute());

        Assert.Equal("QRN2005", run.ErrorCode);
        Assert.Contains("11111111-1111-1111-1111-111111111111 (dbt_manifest), 22222222-2222-2222-2222-222222222222 (dbt)", run.Engine.Errors[0].Message);
        Assert.Empty(server.State.Uploads);
    }

    [Fact]
    public async Task A_missing_manifest_is_an_error_naming_the_full_path_with_no_request()
    {
        await using var server = await ServerHarness.StartAsync();
        var path = Path.Combine(TestData.TempDirectory("missing"), "target", "manifest.json");
        var run = new TaskRun(server, path) { Task = { ConnectorName = "x", ProjectFile = "/repo/dbt/jaffle.proj" } };

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN1001", error.Code);
        Assert.Contains(path, error.Message);
        Assert.Contains("dbt parse", error.Message);
        Assert.Contains("QarionManifestPath", error.Message);
        Assert.Equal("/repo/dbt/jaffle.proj", error.File);
        Assert.Equal(TaskRun.HelpBase + "qrn1001", error.HelpLink);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("broken", "QRN1003")]
    [InlineData("empty", "QRN1002")]
    [InlineData("run_results", "QRN1004")]
    [InlineData("truncated", "QRN1003")]
    [InlineData("not-json", "QRN1003")]
    public async Task A_bad_manifest_is_an_error_on_the_file_with_no_request(string kind, string code)
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var path = BadFiles.Make(kind);
        var run = new TaskRun(server, path) { Task = { ConnectorId = id, AllowFailure = "true" } };

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal(code, error.Code);
        // The error is on the file: its line starts with the path, which the message does not repeat.
        Assert.Equal(path, error.File);
        Assert.DoesNotContain(path, error.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_large_broken_manifest_is_checked_while_sent_and_never_arrives_whole()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("big");
        var path = Path.Combine(TestData.TempDirectory("bigbad"), "manifest.json");
        ManifestGenerator.Write(path, Upload.ManifestUploader.CheckFirstLimit + (4 << 20));
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(file.Length - 10);
        }

        var run = new TaskRun(server, path) { Task = { ConnectorId = id } };

        Assert.False(run.Execute());

        Assert.Equal("QRN1003", run.ErrorCode);
        await server.WaitForARecordedRequestAsync();

        Assert.Empty(server.State.Uploads);
        Assert.Empty(server.State.Jobs(ServerHarness.Space));
    }

    [Fact]
    public async Task A_newer_schema_is_a_warning_and_still_uploads()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("future");
        var path = Path.Combine(TestData.TempDirectory("v13"), "manifest.json");
        ManifestGenerator.Write(path, 200_000, "https://schemas.getdbt.com/dbt/manifest/v13.json");
        var run = new TaskRun(server, path) { Task = { ConnectorId = id } };

        Assert.True(run.Execute());

        Assert.Equal("QRN1005", Assert.Single(run.Engine.Warnings).Code);
        Assert.Single(server.State.Uploads);
    }

    [Theory]
    [InlineData(null, "a", "b", "QRN1101")]
    [InlineData("s", null, null, "QRN1102")]
    [InlineData("s", "8d7b1c2e-1111-4a4a-9b9b-000000000001", "name", "QRN1102")]
    [InlineData("s", "not-a-uuid", null, "QRN1102")]
    public async Task Configuration_mistakes_are_coded_errors_with_no_request(string? space, string? id, string? name, string code)
    {
        await using var server = await ServerHarness.StartAsync();
        var run = new TaskRun(server, TestData.Manifest(Jaffle)) { Task = { Space = space, ConnectorId = id, ConnectorName = name, AllowFailure = "true" } };

        Assert.False(run.Execute());

        Assert.Equal(code, run.ErrorCode);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("ApiUrl", "not a url", "QRN1104")]
    [InlineData("ApiUrl", "http://catalog.example.com", "QRN1104")]
    [InlineData("TimeoutSeconds", "ten", "QRN1105")]
    [InlineData("MaxRetries", "-1", "QRN1105")]
    public async Task Bad_settings_name_the_property(string parameter, string value, string code)
    {
        await using var server = await ServerHarness.StartAsync();
        var run = new TaskRun(server, TestData.Manifest(Jaffle)) { Task = { ConnectorName = "x" } };
        typeof(QarionUploadDbtManifest).GetProperty(parameter)!.SetValue(run.Task, value);

        Assert.False(run.Execute());

        Assert.Equal(code, run.ErrorCode);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_missing_key_names_the_variable_and_sends_nothing()
    {
        await using var server = await ServerHarness.StartAsync();
        var run = new TaskRun(server, TestData.Manifest(Jaffle)) { Task = { ConnectorName = "x", ApiKeyEnvironmentVariable = "MY_QARION_KEY" } };

        Assert.False(run.Execute());

        Assert.Equal("QRN1103", run.ErrorCode);
        Assert.Contains("MY_QARION_KEY", run.Engine.Errors[0].Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_bad_key_is_an_error_or_with_allow_failure_a_warning()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var strict = new TaskRun(server, TestData.Manifest(Jaffle)) { Task = { ConnectorId = id } };
        strict.Environment["QARION_API_KEY"] = "revoked-key";
        var lenient = new TaskRun(server, TestData.Manifest(Jaffle)) { Task = { ConnectorId = id, AllowFailure = "true" } };
        lenient.Environment["QARION_API_KEY"] = "revoked-key";

        Assert.False(strict.Execute());
        Assert.True(lenient.Execute());

        Assert.Equal("QRN2001", strict.ErrorCode);
        var warning = Assert.Single(lenient.Engine.Warnings);
        Assert.Equal("QRN2001", warning.Code);
        Assert.Contains("QarionAllowFailure=true", warning.Message);
        Assert.Empty(lenient.Engine.Errors);
        Assert.DoesNotContain("revoked-key", strict.Engine.AllText + lenient.Engine.AllText);
    }

    [Theory]
    [InlineData(403, "QRN2002")]
    [InlineData(404, "QRN2003")]
    [InlineData(500, "QRN2007")]
    [InlineData(409, "QRN2011")]
    public async Task Service_answers_map_to_their_codes(int status, string code)
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        server.State.Faults.Add(new Fault { Status = status });
        var run = new TaskRun(server, TestData.Manifest(Jaffle)) { Task = { ConnectorId = id } };

        Assert.False(run.Execute());

        Assert.Equal(code, run.ErrorCode);
        Assert.Contains($"failed with {status}", run.Engine.Errors[0].Message);
    }

    [Fact]
    public async Task An_unknown_space_is_not_found()
    {
        await using var server = await ServerHarness.StartAsync();
        var run = new TaskRun(server, TestData.Manifest(Jaffle)) { Task = { Space = "markting", ConnectorName = "x" } };

        Assert.False(run.Execute());

        Assert.Equal("QRN2003", run.ErrorCode);
        Assert.Contains("Space 'markting' not found", run.Engine.Errors[0].Message);
    }

    [Fact]
    public async Task A_proxy_html_page_is_a_readable_server_error()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 502, Body = "html", Count = 10 });
        var run = new TaskRun(server, TestData.Manifest(Jaffle)) { Task = { ConnectorName = "x", MaxRetries = "1" } };

        Assert.False(run.Execute());

        Assert.Equal("QRN2007", run.ErrorCode);
        Assert.Contains("HTML page", run.Engine.Errors[0].Message);
    }

    [Fact]
    public async Task A_429_is_waited_out_and_the_upload_succeeds()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        server.State.Faults.Add(new Fault { Status = 429, RetryAfter = "3", PathContains = "dbt-manifest" });
        var run = new TaskRun(server, TestData.Manifest(Jaffle)) { Task = { ConnectorId = id } };

        Assert.True(run.Execute());

        Assert.InRange(Assert.Single(run.Delays).TotalSeconds, 3, 3.5);
        Assert.Equal([429, 202], server.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task Rate_limit_exhaustion_timeout_refused_connection_and_size_have_codes()
    {
        await using var server = await ServerHarness.StartAsync(o => o.MaxUploadBytes = 500_000);
        var id = server.Seed("jaffle_shop");

        // 429s are waited out until the call's deadline (2 s × (2 + 1)), more of them than QarionMaxRetries.
        server.State.Faults.Add(new Fault { Status = 429, RetryAfter = "1", Count = 1000 });
        var limited = new TaskRun(server, TestData.Manifest(Jaffle)) { Task = { ConnectorId = id, MaxRetries = "2", TimeoutSeconds = "2" } };
        Assert.False(limited.Execute());
        Assert.Equal("QRN2006", limited.ErrorCode);
        Assert.InRange(server.Requests.Count(r => r.Status == 429), 4, 6);
        server.State.Faults.Clear();

        // Another server: this key's budget on the first is known spent for a moment (the 429s just now), which every client of it shares.
        await using var other = await ServerHarness.StartAsync();
        other.Seed("jaffle_shop");
        other.State.Faults.Add(new Fault { LatencyMs = 3000 });
        var slow = new TaskRun(other, TestData.Manifest(Jaffle)) { Task = { ConnectorName = "jaffle_shop", TimeoutSeconds = "0.2", MaxRetries = "0" } };
        Assert.False(slow.Execute());
        Assert.Equal("QRN2008", slow.ErrorCode);

        var big = new TaskRun(server, TestData.Manifest(Jaffle)) { Task = { ConnectorId = id } };
        Assert.False(big.Execute());
        Assert.Equal("QRN2010", big.ErrorCode);
        Assert.Contains("1,079,485 bytes", big.Engine.Errors[0].Message);

        var closed = await ServerHarness.StartAsync();
        var refused = new TaskRun(closed, TestData.Manifest(Jaffle)) { Task = { ConnectorId = id, MaxRetries = "1" } };
        await closed.DisposeAsync();
        Assert.False(refused.Execute());
        Assert.Equal("QRN2009", refused.ErrorCode);
        Assert.EndsWith("Check QarionApiUrl, the network and any proxy.", refused.Engine.Errors[0].Message);
        Assert.DoesNotContain("QarionClientOptions", refused.Engine.Errors[0].Message);
    }

    [Fact]
    public async Task Waiting_for_the_sync_reports_success_and_the_status_output()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var run = new TaskRun(server, TestData.Manifest(Jaffle)) { Task = { ConnectorId = id, WaitForSync = "true" } };

        Assert.True(run.Execute());

        Assert.Equal("succeeded", run.Task.SyncJobStatus);
        Assert.Contains(run.Engine.HighMessages, m => m.Contains("succeeded:") && m.Contains("tables added"));
    }

    [Fact]
    public async Task A_failed_sync_fails_the_build_with_the_server_error_and_writes_no_stamp()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.ForcedSyncFailure = "Warehouse credentials expired.";
        var id = server.Seed("jaffle_shop");
        var stamp = Path.Combine(TestData.TempDirectory("stamp"), "upload.stamp");
        var run = new TaskRun(server, TestData.Manifest(Jaffle)) { Task = { ConnectorId = id, WaitForSync = "true", StampFile = stamp } };

        Assert.False(run.Execute());

        Assert.Equal("QRN2101", run.ErrorCode);
        Assert.Contains("Warehouse credentials expired.", run.Engine.Errors[0].Message);
        Assert.False(File.Exists(stamp));
    }

    [Fact]
    public async Task A_sync_that_takes_too_long_times_out_with_a_code()
    {
        await using var server = await ServerHarness.StartAsync(o => o.SyncDuration = TimeSpan.FromMinutes(5));
        var id = server.Seed("jaffle_shop");
        var run = new TaskRun(server, TestData.Manifest(Jaffle)) { Task = { ConnectorId = id, WaitForSync = "true", SyncTimeoutSeconds = "0.3" } };

        Assert.False(run.Execute());

        Assert.Equal("QRN2102", run.ErrorCode);
    }

    [Fact]
    public async Task The_stamp_skips_an_unchanged_manifest_until_forced_or_changed()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var (manifest, stamp) = ManifestAndStamp("incremental");
        File.Copy(TestData.Manifest(Jaffle), manifest);
        TaskRun Run(string force = "false") => new(server, manifest) { Task = { ConnectorId = id, StampFile = stamp, ForceUpload = force } };

        var first = Run();
        Assert.True(first.Execute());
        var second = Run();
        Assert.True(second.Execute());
        Assert.Single(server.State.Uploads);
        Assert.Contains(second.Engine.HighMessages, m => m.Contains("unchanged since its upload") && m.Contains("QarionForceUpload=true"));
        Assert.Equal(first.Task.SyncJobId, second.Task.SyncJobId);

        // dbt rewrote the same content: a new time, the same hash, still skipped.
        File.SetLastWriteTimeUtc(manifest, DateTime.UtcNow.AddMinutes(5));
        var touched = Run();
        Assert.True(touched.Execute());
        Assert.Single(server.State.Uploads);
        Assert.Contains(touched.Engine.HighMessages, m => m.Contains("unchanged since its upload"));

        Assert.True(Run(force: "true").Execute());
        Assert.Equal(2, server.State.Uploads.Count);

        File.Copy(TestData.Manifest("dbt-core-state-v12.manifest.json"), manifest, overwrite: true);
        Assert.True(Run().Execute());
        Assert.Equal(3, server.State.Uploads.Count);
        Assert.Null(KeyForms.FoundIn(File.ReadAllText(stamp)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(70)]
    public async Task The_stamp_records_the_XXH64_of_exactly_the_bytes_the_server_received(int megabytes)
    {
        // 1 MB is checked and fingerprinted before sending; 70 MB, over the limit, while it is sent.
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var (manifest, stamp) = ManifestAndStamp("fingerprint");
        ManifestGenerator.Write(manifest, (long)megabytes << 20);

        Assert.True(new TaskRun(server, manifest) { Task = { ConnectorId = id, StampFile = stamp } }.Execute());

        Assert.Equal(TestData.Sha256(manifest), Assert.Single(server.State.Uploads).Sha256);
        using var recorded = JsonDocument.Parse(File.ReadAllBytes(stamp));
        Assert.Equal(TestData.Xxh64(manifest), recorded.RootElement.GetProperty("xxh64").GetString());
    }

    [Fact]
    public async Task A_stamp_from_before_the_XXH64_costs_one_upload_once_the_manifest_is_rewritten()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var (manifest, stamp) = ManifestAndStamp("oldstamp");
        File.Copy(TestData.Manifest(Jaffle), manifest);
        TaskRun Run() => new(server, manifest) { Task = { ConnectorId = id, StampFile = stamp } };
        Assert.True(Run().Execute());
        // As the previous version wrote it: a SHA-256 where the XXH64 is now.
        var old = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(stamp))!.AsObject();
        old.Remove("xxh64");
        old["sha256"] = TestData.Sha256(manifest);
        File.WriteAllText(stamp, old.ToJsonString());

        // The same time: skipped without reading the file, as before.
        var same = Run();
        Assert.True(same.Execute());
        Assert.Single(server.State.Uploads);

        // Rewritten by dbt: no hash to compare with, so it is sent once more, and stamped anew.
        File.SetLastWriteTimeUtc(manifest, DateTime.UtcNow.AddMinutes(5));
        Assert.True(Run().Execute());
        Assert.Equal(2, server.State.Uploads.Count);
        File.SetLastWriteTimeUtc(manifest, DateTime.UtcNow.AddMinutes(10));
        var again = Run();
        Assert.True(again.Execute());
        Assert.Equal(2, server.State.Uploads.Count);
        Assert.Contains(again.Engine.HighMessages, m => m.Contains("unchanged since its upload"));
    }

    [Fact]
    public async Task A_failed_upload_writes_no_stamp()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        server.State.Faults.Add(new Fault { Status = 500 });
        var stamp = Path.Combine(TestData.TempDirectory("nostamp"), "upload.stamp");
        var run = new TaskRun(server, TestData.Manifest(Jaffle)) { Task = { ConnectorId = id, StampFile = stamp } };

        Assert.False(run.Execute());

        Assert.False(File.Exists(stamp));
    }

    [Fact]
    public async Task Cancel_ends_the_upload_promptly()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        // Cancelled once the server holds the upload, not after a fixed time a loaded host may spend before sending it.
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.State.Faults.Add(new Fault { LatencyMs = 20_000, Reached = reached });
        var run = new TaskRun(server, TestData.Manifest(Jaffle)) { Task = { ConnectorId = id } };

        var execute = Task.Run(run.Execute);
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        run.Task.Cancel();
        var finished = await Task.WhenAny(execute, Task.Delay(TimeSpan.FromSeconds(15)));

        Assert.Same(execute, finished);
        Assert.False(await execute);
        Assert.Contains(run.Engine.HighMessages, m => m.Contains("cancelled"));
        Assert.Empty(server.State.Uploads);
    }

    /// <summary>Where a test's manifest goes and where its stamp will be, in a fresh scratch folder.</summary>
    private static (string Manifest, string Stamp) ManifestAndStamp(string scratch)
    {
        var dir = TestData.TempDirectory(scratch);
        return (Path.Combine(dir, "manifest.json"), Path.Combine(dir, "obj", "qarion", "upload.stamp"));
    }
}
