using Qarion.Build.Reporting;
using Qarion.Build.Upload;
using Qarion.Client;
using Qarion.Dbt.Manifests;

namespace Qarion.Build.Tests;

/// <summary>Every line and row the task writes, for fixed inputs, word for word: the unit-level twin of the build tests.</summary>
public sealed class WordingTests
{
    private const string Id = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
    private static readonly string Path = System.IO.Path.Combine(Environment.CurrentDirectory, "target", "manifest.json");

    private static readonly DbtManifestInfo Manifest = new()
    {
        SchemaVersionUrl = "https://schemas.getdbt.com/dbt/manifest/v12.json", SchemaVersion = 12, DbtVersion = "1.10.13", Nodes = 40, Bytes = 1_079_485,
    };

    private static UploadSettings Settings(CheckOnlyCause cause = CheckOnlyCause.Asked, string? pr = null) => new()
    {
        ManifestPath = Path, Space = "analytics", ConnectorName = "jaffle_shop", ApiUrl = new Uri("https://api.qarion.com/"),
        ApiKeyEnvironmentVariable = "QARION_API_KEY", CheckOnly = true, CheckOnlyCause = cause, PullRequest = pr,
    };

    private static readonly UploadStamp Stamp = new("00aa", 1_079_485, DateTime.UnixEpoch, "https://api.qarion.com/", "analytics", "name:jaffle_shop", Id, "job-1",
        new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero)) { Facts = new StampedFacts(12, "1.10.13", 40) };

    [Theory]
    [InlineData(1023, "1023 bytes")]
    [InlineData(1024, "1.0 KB")]
    [InlineData(1_048_575, "1024.0 KB")]
    [InlineData(1_048_576, "1.0 MB")]
    [InlineData(1_073_741_824, "1.0 GB")]
    public void Sizes_are_said_in_the_largest_unit_under_them(long bytes, string said)
    {
        Assert.Equal(said, Wording.Size(bytes));
    }

    [Fact]
    public void The_result_lines_of_an_upload_and_a_skip()
    {
        Assert.Equal($"Qarion: uploaded target/manifest.json (1.0 MB, manifest schema v12, dbt 1.10.13, 40 nodes) to space 'analytics', connector 'jaffle_shop' ({Id}): sync job job-2 in 1.50 s (1.0 MB/s).",
            Wording.Uploaded(Path, Manifest, "analytics", Wording.Connector(Id, "jaffle_shop"), "job-2", TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(1)));
        Assert.Contains("sync job (no id returned)", Wording.Uploaded(Path, Manifest, "analytics", Id, null, TimeSpan.FromSeconds(1), TimeSpan.Zero));
        Assert.Equal("Qarion: target/manifest.json is unchanged since its upload (2026-12-01 09:30:00Z, sync job job-1); skipped. Set QarionForceUpload=true to send it again.",
            Wording.Skipped(Path, Stamp));
    }

    [Theory]
    [InlineData("Asked", null, "not uploaded: QarionCheckOnly is true (a dry run).")]
    [InlineData("PullRequest", "GitLab, a merge request", "not uploaded: a pull-request build (GitLab, a merge request). Set QarionUploadOnPullRequest=true to upload from pull requests.")]
    [InlineData("NotCI", null, "not uploaded: not a CI build. Set QarionUploadEnabled=true to upload from here.")]
    public void A_check_only_line_gives_its_reason_and_the_hint_that_fits_it(string kind, string? pr, string end)
    {
        var cause = Enum.Parse<CheckOnlyCause>(kind);
        var settings = Settings(cause, pr);

        Assert.Equal($"Qarion: checked target/manifest.json (1.0 MB, manifest schema v12, dbt 1.10.13, 40 nodes) for space 'analytics', connector 'jaffle_shop' not looked up ({(cause == CheckOnlyCause.NotCI ? "a developer build makes no request" : "no API key here, which is fine for a check")}); {end}",
            Wording.CheckedOnly(Path, Manifest, "analytics", Wording.ConnectorNotLookedUp(settings), settings));
    }

    [Fact]
    public void An_unchanged_check_and_a_looked_up_connector()
    {
        Assert.Equal("Qarion: target/manifest.json is unchanged since it was checked (1.0 MB, manifest schema v12, dbt 1.10.13, 40 nodes); not uploaded: not a CI build. Set QarionUploadEnabled=true to upload from here.",
            Wording.UnchangedSinceChecked(Path, new CheckStamp(1_079_485, DateTime.UnixEpoch, 12, "1.10.13", 40), Settings(CheckOnlyCause.NotCI)));
        Assert.Equal($"connector '{"jaffle_shop"}' ({Id}) found", Wording.ConnectorLookedUp(Id, "jaffle_shop"));
        Assert.Equal($"connector {Id} checked", Wording.ConnectorLookedUp(Id, Id));
    }

    [Fact]
    public void A_cancelled_build_says_what_stands_at_each_stage()
    {
        var progress = new UploadProgress();
        var before = Wording.Cancelled(progress);
        progress.Sending();
        var sending = Wording.Cancelled(progress);
        progress.Uploaded("job-3");
        var uploaded = Wording.Cancelled(progress);

        Assert.Equal("Qarion: upload cancelled before anything was sent; nothing was recorded as uploaded.", before);
        Assert.StartsWith("Qarion: upload cancelled while the manifest was being sent or answered: the server may or may not have it.", sending);
        Assert.StartsWith("Qarion: the manifest was uploaded (sync job job-3), but waiting for the sync was cancelled.", uploaded);
    }

    [Fact]
    public void Question_lines()
    {
        var settings = Settings() with { CheckOnly = false };
        var unconfirmed = new UploadDecision(UploadAction.Skip, "unchanged since its upload") { Stamp = Stamp, ConnectorUnconfirmed = true };

        Assert.Equal($"Qarion: the manifest is up to date: no upload would happen (the connector named 'jaffle_shop' is taken to be {Id}, as recorded: -question sends no request to look it up).",
            Wording.QuestionUpToDate(unconfirmed, settings));
        Assert.Equal("Qarion: the manifest is up to date: no upload would happen.", Wording.QuestionUpToDate(unconfirmed with { ConnectorUnconfirmed = false }, settings));
        Assert.Equal("Qarion: the build would upload /p/manifest.json: why. Nothing was sent (-question).", Wording.QuestionWouldUpload("/p/manifest.json", "why"));
        Assert.Equal("Qarion: no upload would happen: why; the manifest would be checked, and nothing sent.", Wording.QuestionChecksOnly("why"));
    }

    [Fact]
    public void Retries_and_waits_are_said_with_their_figures()
    {
        Assert.Equal("Qarion: GET /c attempt 2 failed (503 Service Unavailable); trying again in 1.5 s, as the server's Retry-After asks.",
            Wording.Retrying(new QarionRetry("GET", "/c", 2, "503 Service Unavailable", TimeSpan.FromSeconds(1.5), true)));
        Assert.Equal("Qarion: GET /c attempt 1 failed (timeout); trying again in 2 s.",
            Wording.Retrying(new QarionRetry("GET", "/c", 1, "timeout", TimeSpan.FromSeconds(2), false)));
        Assert.StartsWith("Qarion: POST /u waits 12.5 s for its turn:", Wording.Pacing(new QarionPacing("POST", "/u", TimeSpan.FromSeconds(12.5))));
        Assert.Equal("Qarion: waiting up to 600 s for sync job j (QarionSyncTimeoutSeconds).", Wording.WaitingForSync("j", TimeSpan.FromMinutes(10)));
        Assert.Equal("Qarion: still waiting for sync job j after 31 s; its last status is '(not seen yet)'.", Wording.StillWaiting("j", new SyncWaitProgress(TimeSpan.FromSeconds(31), null, null)));
    }

    [Fact]
    public void Summary_rows_keep_the_manifest_and_the_target()
    {
        var settings = Settings() with { CheckOnly = false };

        Assert.Equal(new SummaryRow("p", "target/manifest.json, 1.0 MB, schema v12, dbt 1.10.13, 40 nodes", $"space 'analytics', connector {Id}", "uploaded: sync job j, succeeded"),
            Wording.UploadedRow("p", Path, Manifest, "analytics", Id, "j", "succeeded"));
        Assert.Equal(new SummaryRow("p", "target/manifest.json, 1.0 MB, schema v12, dbt 1.10.13, 40 nodes", $"space 'analytics', connector 'jaffle_shop' ({Id})", "unchanged since its upload (sync job job-1); skipped"),
            Wording.SkippedRow("p", Path, 1_079_485, settings, Stamp));
        Assert.Equal(new SummaryRow("p", "target/manifest.json, 1.0 MB", "space 'analytics', connector 'jaffle_shop'", "unchanged since its upload (sync job job-1); skipped"),
            Wording.SkippedRow("p", Path, 1_079_485, settings, Stamp with { Facts = null, ConnectorId = null }));
        Assert.Equal(new SummaryRow("p", "target/manifest.json", $"space 'analytics', connector {Id}", "warning QRN2007: down"),
            Wording.FailedRow("p", Path, "analytics", Id, null, "QRN2007", "down", asWarning: true));
        Assert.Equal(new SummaryRow("p", "a\\0b", "", "failed QRN1006: bad"),
            Wording.FailedRow("p", "a\0b", null, null, null, "QRN1006", "bad", asWarning: false));
    }

    [Fact]
    public void The_lines_along_the_way_word_for_word()
    {
        Assert.Equal("Qarion: sending target/manifest.json: the manifest changed.", Wording.Sending(Path, "the manifest changed"));
        var moved = new UploadDecision(UploadAction.Upload, "the connector named 'jaffle_shop' is now another id");
        Assert.Equal("Qarion: the connector named 'jaffle_shop' is now another id, so the manifest is sent again.", Wording.NameMovedOn(moved));
        Assert.Equal("Qarion: sync job j succeeded: 3 tables added, 2 updated, 1 deleted.",
            Wording.SyncDone(new SyncJob { Id = "j", Status = "succeeded", TablesAdded = 3, TablesUpdated = 2, TablesDeleted = 1 }));
        Assert.Equal("Qarion: sync job j succeeded: 0 tables added, 0 updated, 0 deleted.", Wording.SyncDone(new SyncJob { Id = "j", Status = "succeeded" }));
        Assert.Equal("Qarion: still waiting for sync job j after 61 s; its last status is 'running'; the last look at the sync history failed and is tried again: 503.",
            Wording.StillWaiting("j", new SyncWaitProgress(TimeSpan.FromSeconds(61), new SyncJob { Status = "running" }, new QarionException("503"))));
        Assert.Equal("Qarion: connector 'jaffle_shop' is " + Id + " in space 'analytics'.", Wording.ConnectorIs(Id, "jaffle_shop", "analytics"));
        Assert.Equal("Qarion: connector " + Id + " is " + Id + " in space 'analytics'.", Wording.ConnectorIs(Id, Id, "analytics"));
        Assert.Equal("Qarion: the failure in full: boom", Wording.FullFailure("boom"));
    }

    [Fact]
    public void The_inputs_line_names_the_connector_as_given()
    {
        var byName = Settings() with { StampFile = "/p/obj/qarion/upload.stamp" };

        Assert.Equal(
            $"Qarion: inputs: manifest {Path}, space 'analytics', connector name 'jaffle_shop', API https://api.qarion.com/, key from the environment variable QARION_API_KEY, timeout 100 s, 3 retries, wait for sync False, stamp /p/obj/qarion/upload.stamp.",
            Wording.Inputs(byName));
        Assert.Equal(
            $"Qarion: inputs: manifest {Path}, space 'analytics', connector id {Id}, API https://api.qarion.com/, key from the environment variable QARION_API_KEY, timeout 100 s, 3 retries, wait for sync False, stamp (none).",
            Wording.Inputs(Settings() with { ConnectorName = null, ConnectorId = Id }));
    }

    [Fact]
    public void Warnings_word_for_word()
    {
        Assert.Equal(
            "Qarion: the upload stamp /p/s could not be written (read-only). The upload itself stands; the next build cannot tell that this manifest was sent and will upload it again. " +
            "Make the project's obj/ folder writable (and remove anything else named upload.stamp there).",
            Wording.StampNotWritten("/p/s", "read-only"));
        Assert.Equal(
            "m.json uses manifest schema v13, newer than v12, the newest this Qarion.Build knows. It is uploaded anyway; update Qarion.Build if Qarion reports problems.",
            Wording.NewerSchema("m.json", Manifest with { SchemaVersion = 13 }));
    }

    [Fact]
    public void A_connector_not_looked_up_is_named_as_given_with_why()
    {
        Assert.Equal("connector 'jaffle_shop' not looked up (a developer build makes no request)", Wording.ConnectorNotLookedUp(Settings(CheckOnlyCause.NotCI)));
        Assert.Equal($"connector {Id} not looked up (no API key here, which is fine for a check)", Wording.ConnectorNotLookedUp(Settings() with { ConnectorName = null, ConnectorId = Id }));
        Assert.Equal("a pull-request build (a pull request)", Wording.CheckOnlyReason(Settings(CheckOnlyCause.PullRequest)));
    }

    [Fact]
    public void Check_rows_and_failed_rows_with_every_target_shape()
    {
        var checkStamp = new CheckStamp(1_079_485, DateTime.UnixEpoch, 12, null, 40);
        Assert.Equal(new SummaryRow("p", "target/manifest.json, 1.0 MB, schema v12, dbt ?, 40 nodes", "space 'analytics', connector 'jaffle_shop'", "unchanged since it was checked; not uploaded: not a CI build"),
            Wording.UnchangedCheckRow("p", Path, checkStamp, Settings(CheckOnlyCause.NotCI)));
        Assert.Equal(new SummaryRow("p", "target/manifest.json, 1.0 MB, schema v12, dbt 1.10.13, 40 nodes", "space 'analytics', connector 'x' found", "checked only: a dry run"),
            Wording.CheckedRow("p", Path, Manifest, "analytics", "connector 'x' found", "a dry run"));
        Assert.Equal(new SummaryRow("p", "target/manifest.json, 1.0 MB, schema v12, dbt 1.10.13, 40 nodes", $"space 'analytics', connector {Id}", "uploaded: sync job (no id returned)"),
            Wording.UploadedRow("p", Path, Manifest, "analytics", Id, null, null));
        Assert.Equal(new SummaryRow("p", "target/manifest.json", "space 'analytics', connector 'dbt'", "failed QRN2004: unknown"),
            Wording.FailedRow("p", Path, "analytics", null, "dbt", "QRN2004", "unknown", asWarning: false));
        Assert.Equal(new SummaryRow("p", "target/manifest.json", "connector 'dbt'", "failed QRN1101: no space"),
            Wording.FailedRow("p", Path, null, null, "dbt", "QRN1101", "no space", asWarning: false));
    }

    [Fact]
    public void A_path_outside_the_current_folder_is_shown_whole_and_one_below_it_relative()
    {
        var outside = System.IO.Path.GetFullPath(System.IO.Path.Combine(Environment.CurrentDirectory, "..", "elsewhere", "manifest.json"));

        Assert.Equal(outside, Wording.Display(outside));
        Assert.Equal(System.IO.Path.Combine("target", "manifest.json"), Wording.Display(Path));
    }

    // ---- The dbt step's lines, word for word ----

    [Fact]
    public void The_dbt_step_s_lines_say_what_ran_what_was_skipped_and_what_to_do()
    {
        Assert.Equal("Qarion: dbt build in /p/dbt", Wording.DbtStarting("build", "/p/dbt"));
        Assert.Equal("Qarion: dbt parse skipped: nothing it reads changed since it last ran, so target/manifest.json stands.", Wording.DbtSkipped("parse", "target/manifest.json"));
        Assert.Equal("Qarion: dbt build was cancelled; dbt and its child processes were stopped.", Wording.DbtCancelled("build"));
        Assert.Equal("Qarion: dbt wrote no run_results.json in this run (/p/target/run_results.json); there are no results to report.", Wording.DbtNoResults("/p/target/run_results.json"));
        Assert.Equal("Qarion: dbt's results could not be read, so its findings are not shown as errors and warnings: it is empty", Wording.DbtResultsUnread("it is empty"));
        Assert.Equal("the build would run dbt build in /p/dbt. dbt was not run (-question).", Wording.DbtWouldRun("build", "/p/dbt"));
        Assert.Equal("dbt could not be started as 'dbt' (No such file or directory). Install dbt (pip install dbt-core and your adapter, e.g. dbt-postgres) so that it is on PATH, or set QarionDbtExecutable to its path.",
            Wording.DbtNotFound("dbt", "No such file or directory"));
    }

    [Theory]
    [InlineData(1, null, "dbt build failed with exit code 1 (a node or test failed, or dbt ended with an error it handled); its own lines above say what is wrong. Nothing was uploaded.")]
    [InlineData(2, "models/orders.sql", "dbt build failed with exit code 2 (dbt could not run: a compilation or parse error, or an unhandled one) in models/orders.sql; its own lines above say what is wrong. Nothing was uploaded.")]
    [InlineData(137, null, "dbt build failed with exit code 137 (not an exit code dbt documents); its own lines above say what is wrong. Nothing was uploaded.")]
    public void A_dbt_failure_without_results_names_its_exit_code_s_meaning_and_the_file(int exitCode, string? file, string expected) =>
        Assert.Equal(expected, Wording.DbtFailedWithoutResults("build", exitCode, file));

    [Fact]
    public void An_unchanged_check_and_a_cancelled_sync_wait_are_said_as_they_are()
    {
        var stamp = new CheckStamp(1_079_485, DateTime.UnixEpoch, 12, "1.10.13", 40);
        var progress = new UploadProgress();
        progress.Sending();
        progress.Uploaded("job-9");

        Assert.Equal("Qarion: target/manifest.json is unchanged since it was checked (1.0 MB, manifest schema v12, dbt 1.10.13, 40 nodes); not uploaded: QarionCheckOnly is true (a dry run).",
            Wording.UnchangedSinceChecked(Path, stamp, Settings()));
        Assert.Equal("Qarion: the manifest was uploaded (sync job job-9), but waiting for the sync was cancelled. The upload is not recorded, so the next build sends it again.", Wording.Cancelled(progress));
        // A connector given by name is quoted in the row; by id, it is the id as given.
        Assert.Equal("space 'analytics', connector 'jaffle_shop'", Wording.UnchangedCheckRow("p", Path, stamp, Settings()).Target);
        Assert.Equal($"space 'analytics', connector {Id}", Wording.UnchangedCheckRow("p", Path, stamp, Settings() with { ConnectorId = Id }).Target);
    }
}
