using Qarion.Build.Upload;

namespace Qarion.Build.Tests;

/// <summary>The one place the upload is decided, rule by rule, without a disk or a server.</summary>
public sealed class UploadDecisionTests
{
    private static readonly DateTime Then = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);
    private const string Id = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f";

    private static UploadSettings Settings(string? id = Id, string? name = null) => new()
    {
        ManifestPath = "/p/target/manifest.json",
        Space = "analytics",
        ConnectorId = id,
        ConnectorName = name,
        ApiUrl = new Uri("https://api.qarion.com/"),
        ApiKeyEnvironmentVariable = "QARION_API_KEY",
        StampFile = "/p/obj/qarion/upload.stamp",
    };

    private static UploadStamp Stamp(string connector = Id, string? connectorId = Id, string? xxh64 = "00aa", long bytes = 1000, string space = "analytics", string url = "https://api.qarion.com/") =>
        new(xxh64, bytes, Then, url, space, connector, connectorId, "job-1", DateTimeOffset.UnixEpoch);

    [Fact]
    public void An_unchanged_manifest_is_skipped_without_its_content()
    {
        var file = new ManifestState(1000, Then);
        Assert.False(UploadDecision.NeedsFingerprint(Settings(), Stamp(), file));

        var decision = UploadDecision.Decide(Settings(), Stamp(), file, Id);

        Assert.Equal((UploadAction.Skip, "unchanged since its upload"), (decision.Action, decision.Reason));
        Assert.False(decision.StampRefreshed);
        Assert.False(decision.ConnectorUnconfirmed);
        Assert.Equal(Stamp(), decision.Stamp);
    }

    [Fact]
    public void A_rewritten_manifest_with_the_same_content_is_skipped_and_its_stamp_takes_the_new_time()
    {
        var later = Then.AddMinutes(5);
        Assert.True(UploadDecision.NeedsFingerprint(Settings(), Stamp(), new ManifestState(1000, later)));

        var decision = UploadDecision.Decide(Settings(), Stamp(), new ManifestState(1000, later, "00aa"), Id);

        Assert.Equal(UploadAction.Skip, decision.Action);
        Assert.True(decision.StampRefreshed);
        Assert.Equal(later, decision.Stamp!.LastWriteUtc);
    }

    [Fact]
    public void A_rewritten_manifest_cannot_be_decided_without_its_fingerprint()
    {
        var error = Assert.Throws<ArgumentException>(() => UploadDecision.Decide(Settings(), Stamp(), new ManifestState(1000, Then.AddSeconds(1)), Id));

        Assert.Contains("fingerprint", error.Message);
    }

    [Fact]
    public void A_forced_upload_needs_no_fingerprint()
    {
        Assert.False(UploadDecision.NeedsFingerprint(Settings() with { ForceUpload = true }, Stamp(), new ManifestState(1000, Then.AddSeconds(1))));
        Assert.True(UploadDecision.NeedsFingerprint(Settings(), Stamp(), new ManifestState(1000, Then.AddSeconds(1))));
    }

    [Fact]
    public void A_connector_given_by_id_where_the_last_upload_named_another_id_says_which()
    {
        var decision = UploadDecision.Decide(Settings(), Stamp(connector: "0f0e0d0c-0000-4000-8000-000000000002"), new ManifestState(1000, Then), Id);

        Assert.Equal((UploadAction.Upload, "the connector changed since the last upload (it went to connector id 0f0e0d0c-0000-4000-8000-000000000002)"), (decision.Action, decision.Reason));
    }

    [Theory]
    [InlineData("content", "the manifest's content changed since the last upload")]
    [InlineData("size", "the manifest's size changed since the last upload (1,000 bytes then, 1,001 now)")]
    [InlineData("url", "QarionApiUrl changed since the last upload (it went to https://old.example/)")]
    [InlineData("space", "QarionSpace changed since the last upload (it went to space 'finance')")]
    [InlineData("connector", "the connector changed since the last upload (it went to the connector named 'dbt')")]
    [InlineData("old-stamp", "the record of the last upload is from an older Qarion.Build (it holds no XXH64), and the manifest was rewritten since")]
    [InlineData("no-stamp", "there is no record of an earlier upload (/p/obj/qarion/upload.stamp)")]
    [InlineData("force", "QarionForceUpload is true")]
    public void Each_change_is_an_upload_that_says_which_change_it_was(string change, string reason)
    {
        var settings = change == "force" ? Settings() with { ForceUpload = true } : Settings();
        UploadStamp? stamp = change switch
        {
            "url" => Stamp(url: "https://old.example/"),
            "space" => Stamp(space: "finance"),
            "connector" => Stamp(connector: "name:dbt"),
            "old-stamp" => Stamp(xxh64: null),
            "no-stamp" => null,
            _ => Stamp(),
        };
        var file = change switch
        {
            "content" => new ManifestState(1000, Then.AddSeconds(1), "00bb"),
            "size" => new ManifestState(1001, Then),
            "old-stamp" => new ManifestState(1000, Then.AddSeconds(1)),
            _ => new ManifestState(1000, Then),
        };

        var decision = UploadDecision.Decide(settings, stamp, file, Id);

        Assert.Equal(UploadAction.Upload, decision.Action);
        Assert.Equal(reason, decision.Reason);
    }

    [Fact]
    public void An_old_stamp_with_the_same_file_time_still_skips_without_reading()
    {
        var file = new ManifestState(1000, Then);
        Assert.False(UploadDecision.NeedsFingerprint(Settings(), Stamp(xxh64: null), file));
        Assert.Equal(UploadAction.Skip, UploadDecision.Decide(Settings(), Stamp(xxh64: null), file, Id).Action);
    }

    [Fact]
    public void A_connector_given_by_name_skips_only_while_the_name_is_still_the_recorded_connector()
    {
        var settings = Settings(id: null, name: "dbt");
        var stamp = Stamp(connector: "name:dbt", connectorId: Id);
        var file = new ManifestState(1000, Then);

        var unlooked = UploadDecision.Decide(settings, stamp, file, connectorId: null);
        var same = UploadDecision.Decide(settings, stamp, file, Id);
        var moved = UploadDecision.Decide(settings, stamp, file, "0f0e0d0c-0000-4000-8000-000000000001");

        Assert.Equal((UploadAction.Skip, true), (unlooked.Action, unlooked.ConnectorUnconfirmed));
        Assert.Equal((UploadAction.Skip, false), (same.Action, same.ConnectorUnconfirmed));
        Assert.Equal(UploadAction.Upload, moved.Action);
        Assert.Equal($"the last upload went to connector id {Id}; 'dbt' is 0f0e0d0c-0000-4000-8000-000000000001 now", moved.Reason);
    }

    [Fact]
    public void Check_only_wins_over_everything_and_needs_no_stamp_or_content()
    {
        var settings = Settings() with { CheckOnly = true, ForceUpload = true, CheckOnlyCause = CheckOnlyCause.PullRequest, PullRequest = "GitLab, a merge request" };
        var file = new ManifestState(1000, Then.AddSeconds(1));

        Assert.False(UploadDecision.NeedsFingerprint(settings, Stamp(), file));
        var decision = UploadDecision.Decide(settings, Stamp(), file, Id);

        Assert.Equal(UploadAction.CheckOnly, decision.Action);
        Assert.Equal("a pull-request build (GitLab, a merge request)", decision.Reason);
    }

    [Fact]
    public void The_settings_never_show_the_key()
    {
        var settings = Settings() with { ApiKey = "sk-decision-secret" };

        Assert.DoesNotContain("sk-decision-secret", settings.ToString());
        Assert.Contains("analytics", settings.ToString());
    }
}
