using Qarion.Workflow;
using Qarion.Build.Upload;

namespace Qarion.Build.Tests;

/// <summary>The task's properties to settings: each refusal's code and words exactly, each bound at its edge, without a build.</summary>
public sealed class UploadSettingsTests
{
    private const string Id = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f";

    private static QarionUploadDbtManifest Task(Action<QarionUploadDbtManifest>? change = null)
    {
        var task = new QarionUploadDbtManifest { ManifestPath = "target/manifest.json", Space = "analytics", ConnectorId = Id };
        change?.Invoke(task);
        return task;
    }

    private static UploadFailure Refused(Action<QarionUploadDbtManifest> change, string code)
    {
        var failure = Assert.Throws<UploadFailure>(() => UploadSettings.From(Task(change), apiKey: null));
        Assert.Equal(code, failure.Code);
        Assert.False(failure.IsServiceFailure);
        return failure;
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void No_space_says_what_to_set(string space)
    {
        Assert.Equal(
            "QarionSpace is not set: set it to the slug of the Qarion space to upload to, e.g. <QarionSpace>marketing-analytics</QarionSpace>.",
            Refused(t => t.Space = space, Codes.SpaceMissing).Message);
    }

    [Fact]
    public void A_dot_segment_space_is_no_slug()
    {
        Assert.Equal(
            "QarionSpace is '..', which is no space slug: as a segment of a request path it would address another resource. Set it to the slug of the Qarion space, e.g. <QarionSpace>marketing-analytics</QarionSpace>.",
            Refused(t => t.Space = " .. ", Codes.SpaceMissing).Message);
    }

    [Fact]
    public void Neither_or_both_connector_properties_say_which_it_is()
    {
        Assert.Equal(
            "No connector given: set QarionConnectorId (the connector's UUID) or QarionConnectorName (its name in the space).",
            Refused(t => t.ConnectorId = " ", Codes.ConnectorChoice).Message);
        Assert.Equal(
            $"Both QarionConnectorId ('{Id}') and QarionConnectorName ('dbt') are set: keep exactly one.",
            Refused(t => t.ConnectorName = "dbt", Codes.ConnectorChoice).Message);
        Assert.Equal(
            "QarionConnectorId is '42', which is not a UUID. Set the connector's id (as Qarion shows it), or use QarionConnectorName.",
            Refused(t => t.ConnectorId = "42", Codes.ConnectorChoice).Message);
    }

    [Fact]
    public void An_api_url_that_is_not_http_hides_a_password_written_in_it()
    {
        Assert.Equal(
            "QarionApiUrl is 'ftp://***@files.example.com/', which is not an http(s) URL such as https://api.qarion.com.",
            Refused(t => t.ApiUrl = "ftp://user:secret@files.example.com/", Codes.BadApiUrl).Message);
    }

    [Fact]
    public void A_manifest_path_with_a_nul_character_says_so_with_the_character_shown()
    {
        Assert.Equal(
            "QarionManifestPath ('target/\\0manifest.json') holds a NUL character, which no file name can: set it to the path of dbt's manifest.json.",
            Refused(t => t.ManifestPath = "target/\0manifest.json", Codes.ManifestUnreadable).Message);
    }

    [Theory]
    [InlineData("0.001", true)]
    [InlineData("86400", true)]
    [InlineData("0.0009", false)]
    [InlineData("86400.5", false)]
    [InlineData("NaN", false)]
    public void Seconds_are_taken_from_a_millisecond_to_a_day(string value, bool taken)
    {
        if (taken)
        {
            Assert.Equal(TimeSpan.FromSeconds(double.Parse(value, System.Globalization.CultureInfo.InvariantCulture)), UploadSettings.From(Task(t => t.TimeoutSeconds = value), null).RequestTimeout);
            return;
        }

        Assert.Equal($"QarionTimeoutSeconds is '{value}'; it must be a number from 0.001 to 86400.", Refused(t => t.TimeoutSeconds = value, Codes.BadNumber).Message);
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("20", true)]
    [InlineData("-1", false)]
    [InlineData("21", false)]
    [InlineData("2.5", false)]
    public void Retries_are_a_whole_number_from_0_to_20(string value, bool taken)
    {
        if (taken)
        {
            Assert.Equal(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture), UploadSettings.From(Task(t => t.MaxRetries = value), null).MaxRetries);
            return;
        }

        Assert.Equal($"QarionMaxRetries is '{value}'; it must be a whole number from 0 to 20.", Refused(t => t.MaxRetries = value, Codes.BadNumber).Message);
    }

    [Theory]
    [InlineData("PullRequest", "PullRequest")]
    [InlineData("NotCI", "NotCI")]
    [InlineData("QarionCheckOnly", "Asked")]
    [InlineData("", "Asked")]
    public void The_reason_for_checking_only_is_read_as_the_targets_write_it(string reason, string cause)
    {
        Assert.Equal(cause, UploadSettings.From(Task(t => t.CheckOnlyReason = reason), null).CheckOnlyCause.ToString());
    }

    [Fact]
    public void The_deadline_advice_shows_the_product_it_is()
    {
        var settings = UploadSettings.From(Task(t => { t.TimeoutSeconds = "30"; t.MaxRetries = "2"; }), null);

        Assert.Equal("each call's deadline is QarionTimeoutSeconds × (QarionMaxRetries + 1) = 30 s × 3 = 90 s", settings.DeadlineAdvice);
        Assert.Equal(TimeSpan.FromSeconds(90), settings.CallDeadline);
    }
}
