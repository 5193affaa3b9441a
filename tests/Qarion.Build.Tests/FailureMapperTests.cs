using System.Net;
using Qarion.Workflow;
using Qarion.Build.Upload;
using Qarion.Client;
using Qarion.Dbt.Manifests;

namespace Qarion.Build.Tests;

/// <summary>Each client exception's code and words, exactly: the one place a code is chosen, without a server.</summary>
public sealed class FailureMapperTests
{
    private const string Path = "/p/target/manifest.json";
    private const string Id = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
    private static readonly QarionErrorContext Context = new(HttpStatusCode.BadRequest, null, null, "GET", "/x");

    private static UploadSettings Settings(string? id = Id) => new()
    {
        ManifestPath = Path,
        Space = "analytics",
        ConnectorId = id,
        ConnectorName = id is null ? "dbt" : null,
        ApiUrl = new Uri("https://api.qarion.com/"),
        ApiKeyEnvironmentVariable = "MY_KEY",
        StampFile = "/p/obj/qarion/upload.stamp",
        RequestTimeout = TimeSpan.FromSeconds(100),
        MaxRetries = 3,
    };

    private static UploadFailure Map(Exception exception, UploadSettings? settings = null) =>
        FailureMapper.From(exception, settings ?? Settings()) ?? throw new Xunit.Sdk.XunitException("not mapped");

    private static QarionErrorContext Status(int status) => Context with { StatusCode = (HttpStatusCode)status };

    [Fact]
    public void Service_failures_get_their_code_and_the_msbuild_advice_after_the_clients_words()
    {
        var deadline = "each call's deadline is QarionTimeoutSeconds × (QarionMaxRetries + 1) = 100 s × 4 = 400 s";
        var cases = new (Exception Exception, string Code, string Message)[]
        {
            (new QarionAuthenticationException("Refused.", Status(401)), Codes.Unauthorized,
                "Refused. The key is read from the environment variable MY_KEY (QarionApiKeyEnvironmentVariable)."),
            (new QarionPermissionDeniedException("Forbidden.", Status(403)), Codes.Forbidden, "Forbidden."),
            (new QarionNotFoundException("Gone.", Status(404)), Codes.NotFound, $"Gone. Check QarionSpace ('analytics') and QarionConnectorId ('{Id}')."),
            (new QarionRateLimitException("Slow down.", Status(429), null), Codes.RateLimited,
                $"Slow down. Builds that share this key (QarionApiKeyEnvironmentVariable) pace themselves together; to wait longer, raise QarionTimeoutSeconds or QarionMaxRetries ({deadline})."),
            (new QarionServerException("Broken.", Status(500)), Codes.ServerError, "Broken."),
            (new QarionSyncTimeoutException("Still running.", Context, null), Codes.SyncTimeout, "Still running."),
            (new QarionTimeoutException("Too slow.", Context), Codes.Timeout,
                $"Too slow. Raise QarionTimeoutSeconds for large manifests or slow links ({deadline}), or check that QarionApiUrl (https://api.qarion.com/) is reachable."),
            (new QarionConnectionException("No route.", Context, new HttpRequestException()), Codes.ConnectionFailed, "No route. Check QarionApiUrl, the network and any proxy."),
            (new QarionCertificateException("Untrusted.", Context, new HttpRequestException(), "api.qarion.com", "untrusted root"), Codes.CertificateRefused,
                "Untrusted. If this server uses a private certificate authority, make this machine trust it (docs: \"Private certificate authorities\"); otherwise check the host name in QarionApiUrl."),
            (new QarionPayloadTooLargeException("Too big.", Status(413), 5), Codes.TooLarge, "Too big."),
            (new QarionException("Moved.", Status(302)), Codes.Refused, "Moved. Set QarionApiUrl to the address the server redirects to."),
            (new QarionException("Moved at the bound.", Status(300)), Codes.Refused, "Moved at the bound. Set QarionApiUrl to the address the server redirects to."),
            (new QarionException("Moved too.", Status(399)), Codes.Refused, "Moved too. Set QarionApiUrl to the address the server redirects to."),
            (new QarionException("Odd.", Status(400)), Codes.Refused, "Odd."),
            (new QarionException("Odder.", Status(299)), Codes.Refused, "Odder."),
            (new QarionConflictException("Taken.", Status(409)), Codes.Refused, "Taken."),
        };

        foreach (var (exception, code, message) in cases)
        {
            var failure = Map(exception);
            Assert.Equal((code, message, true, (string?)null), (failure.Code, failure.Message, failure.IsServiceFailure, failure.File));
            Assert.Same(exception, failure.Cause);
        }
    }

    [Fact]
    public void A_connector_by_name_that_is_not_found_points_at_the_space_alone()
    {
        Assert.Equal(
            "Gone. Check QarionSpace ('analytics'): the connector list of that space was not found.",
            Map(new QarionNotFoundException("Gone.", Status(404)), Settings(id: null)).Message);
    }

    [Fact]
    public void A_bad_base_url_is_a_configuration_failure()
    {
        var failure = Map(new QarionConfigurationException("The base URL is bad."));

        Assert.Equal((Codes.BadApiUrl, "The base URL is bad.", false), (failure.Code, failure.Message, failure.IsServiceFailure));
    }

    [Theory]
    [InlineData(DbtManifestProblem.Empty, "QRN1002", " Run `dbt parse` again to regenerate it; it was not uploaded.")]
    [InlineData(DbtManifestProblem.InvalidJson, "QRN1003", " Run `dbt parse` again to regenerate it (and resolve any merge conflict in it); it was not uploaded.")]
    [InlineData(DbtManifestProblem.NotAManifest, "QRN1004", " QarionManifestPath must name dbt's target/manifest.json, not run_results.json or catalog.json; it was not uploaded.")]
    [InlineData(DbtManifestProblem.Unreadable, "QRN1006", " Fix the path or its permissions; nothing was uploaded.")]
    public void A_bad_manifest_gets_its_code_its_place_in_the_file_and_what_to_do(DbtManifestProblem problem, string code, string advice)
    {
        var failure = Map(new DbtManifestException(problem, "What the check said.", line: 7, bytePosition: 300, column: 12));

        Assert.Equal((code, "What the check said." + advice, false, Path, 7L, 12L), (failure.Code, failure.Message, failure.IsServiceFailure, failure.File, failure.Line, failure.Column));
    }

    [Fact]
    public void A_manifest_without_a_position_points_at_the_file_alone()
    {
        var failure = Map(new DbtManifestException(DbtManifestProblem.Empty, "Empty."));

        Assert.Equal((Path, 0L, 0L), (failure.File, failure.Line, failure.Column));
    }

    [Fact]
    public void Bytes_changed_since_their_check_name_the_file_and_what_the_stop_means()
    {
        var failure = Map(new DbtManifestException(DbtManifestProblem.Changed, "The bytes have another fingerprint."));

        Assert.Equal(Codes.ManifestChanged, failure.Code);
        Assert.Equal(
            $"The dbt manifest {Path} changed while it was being uploaded. The bytes have another fingerprint. The upload was stopped before its last byte, so the server did not receive it. " +
            "Something else is writing the file during the build (a second dbt run, an editor, a sync tool): let it finish, then build again.",
            failure.Message);
        Assert.False(failure.IsServiceFailure);
    }

    [Fact]
    public void The_clients_file_failures_keep_its_words_and_get_their_codes()
    {
        var changed = Map(new QarionFileException(QarionFileProblem.Changed, Path, "It grew."));
        var unreadable = Map(new QarionFileException(QarionFileProblem.Unreadable, Path, "No permission."));

        Assert.Equal((Codes.ManifestChanged, "It grew.", false, Path), (changed.Code, changed.Message, changed.IsServiceFailure, changed.File));
        Assert.Equal((Codes.ManifestUnreadable, "No permission. Fix the path or its permissions; nothing was uploaded.", false, Path), (unreadable.Code, unreadable.Message, unreadable.IsServiceFailure, unreadable.File));
    }

    [Fact]
    public void A_missing_manifest_says_how_to_make_it_and_a_broken_link_says_where_it_points()
    {
        const string Advice = " Run `dbt build` or `dbt parse` in the dbt project first (hook this upload after that step with QarionUploadAfterTargets), or point QarionManifestPath at the file.";

        var missing = Map(new FileNotFoundException("whatever the system said", Path));
        var link = Map(new FileNotFoundException("The dbt manifest /p/m.json is a symbolic link to /q/m.json, which does not exist...", Path));

        Assert.Equal((Codes.ManifestMissing, $"The dbt manifest {Path} does not exist." + Advice, false), (missing.Code, missing.Message, missing.IsServiceFailure));
        Assert.Equal("The dbt manifest /p/m.json is a symbolic link to /q/m.json, which does not exist." + Advice, link.Message);
        Assert.Equal($"The dbt manifest {Path} does not exist." + Advice, FailureMapper.Missing(Settings()).Message);
    }

    [Fact]
    public void A_read_error_of_the_disk_is_the_manifests_and_anything_else_travels_on()
    {
        var failure = Map(new IOException("Input/output error"));

        Assert.Equal((Codes.ManifestUnreadable, $"The dbt manifest {Path} could not be read: Input/output error", false, Path), (failure.Code, failure.Message, failure.IsServiceFailure, failure.File));
        Assert.Equal(Codes.ManifestUnreadable, Map(new UnauthorizedAccessException("denied")).Code);
        Assert.Null(FailureMapper.From(new InvalidOperationException("a bug"), Settings()));
    }

    [Fact]
    public void A_failed_sync_says_the_server_s_reason_however_it_came()
    {
        var given = new SyncJob { Id = "j1", Status = "failed", ErrorMessage = "credentials expired." };
        var odd = new SyncJob { Id = "j2", Status = "error", ExtensionData = new() { ["error_message"] = System.Text.Json.JsonDocument.Parse("""{"code": 7}""").RootElement } };
        var none = new SyncJob { Id = "j3", Status = "failure" };

        Assert.Equal("Qarion's sync job j1 for space 'analytics' failed: credentials expired. The manifest was uploaded; fix what the message says and build again.",
            Assert.Throws<UploadFailure>(() => FailureMapper.ThrowIfFailed(given, Settings())).Message);
        Assert.Equal("Qarion's sync job j2 for space 'analytics' failed: {\"code\": 7}. The manifest was uploaded; fix what the message says and build again.",
            Assert.Throws<UploadFailure>(() => FailureMapper.ThrowIfFailed(odd, Settings())).Message);
        var plain = Assert.Throws<UploadFailure>(() => FailureMapper.ThrowIfFailed(none, Settings(), afterUpload: false));
        Assert.Equal((Codes.SyncFailed, true, "Qarion's sync job j3 for space 'analytics' failed: (no error message). Fix what the message says and build again."),
            (plain.Code, plain.IsServiceFailure, plain.Message));
        FailureMapper.ThrowIfFailed(new SyncJob { Id = "j4", Status = "succeeded" }, Settings());
    }

    [Fact]
    public void An_answer_without_a_job_id_leaves_nothing_to_wait_for()
    {
        var upload = Assert.Throws<UploadFailure>(() => FailureMapper.RequireJobId(new SyncJob(), Settings()));
        var sync = Assert.Throws<UploadFailure>(() => FailureMapper.RequireJobId(new SyncJob { Id = "" }, Settings(), afterUpload: false));

        Assert.Equal((Codes.AnswerLacksField, "The upload was accepted, but its answer carried no sync job id (no \"id\" field), so there is no job to wait for. The manifest was uploaded; to go on, set QarionWaitForSync=false, or check that QarionApiUrl points at Qarion's API."),
            (upload.Code, upload.Message));
        Assert.Equal("The sync was accepted, but its answer carried no sync job id (no \"id\" field), so there is no job to wait for. To go on, set QarionWaitForSync=false, or check that QarionApiUrl points at Qarion's API.", sync.Message);
        Assert.Equal("j5", FailureMapper.RequireJobId(new SyncJob { Id = "j5" }, Settings()));
    }

    [Fact]
    public void The_key_is_required_and_must_be_well_formed_in_the_host_s_words()
    {
        var missing = Assert.Throws<UploadFailure>(() => ClientKey.Require(null, Settings()));
        var malformed = Assert.Throws<UploadFailure>(() => ClientKey.Require("key with\nnewline", Settings()));

        Assert.Equal((Codes.ApiKeyMissing, false, "The environment variable MY_KEY (QarionApiKeyEnvironmentVariable) is not set or empty, so there is no Qarion API key. In CI, map a secret into it; locally, export it in your shell. The key is never read from an MSBuild property."),
            (missing.Code, missing.IsServiceFailure, missing.Message));
        Assert.Equal(Codes.ApiKeyMalformed, malformed.Code);
        Assert.StartsWith("The API key in the environment variable MY_KEY (QarionApiKeyEnvironmentVariable) ", malformed.Message, StringComparison.Ordinal);
        Assert.EndsWith(". Store the key again as the secret behind MY_KEY; nothing was sent.", malformed.Message, StringComparison.Ordinal);
        Assert.Equal("qk_fine", ClientKey.Require("qk_fine", Settings()));
    }
}
