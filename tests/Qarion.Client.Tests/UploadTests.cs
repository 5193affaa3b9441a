using Qarion.Dbt.Manifests;
using Qarion.Client.Tests.Support;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Client.Tests;

public sealed class UploadTests
{
    [Theory]
    [MemberData(nameof(ManifestTheories.ManifestFiles), MemberType = typeof(ManifestTheories))]
    public async Task Every_real_manifest_arrives_byte_identical_as_the_file_part(string file)
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        using var client = server.Client();
        var path = TestData.Manifest(file);

        var check = new CheckedUpload(path);
        var result = await client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, path, check.Options);

        var upload = Assert.Single(server.State.Uploads);
        var expected = TestData.Sha256(path);
        Assert.Equal(expected, upload.Sha256);
        Assert.Equal(new FileInfo(path).Length, upload.Bytes);
        Assert.Equal(("file", "manifest.json", "application/json"), (upload.FieldName, upload.FileName, upload.ContentType));
        Assert.Null(upload.Problem);
        Assert.Equal(upload.JobId, result.Job.Id);
        Assert.Equal(upload.Bytes, result.Bytes);
        Assert.Equal(TestData.Xxh64(path), check.Manifest!.Fingerprint);
        Assert.Equal($"/catalog/spaces/analytics/connectors/{id}/dbt-manifest", server.Requests.Single().Path);
    }

    [Fact]
    public async Task An_expected_fingerprint_lets_through_exactly_those_bytes_and_stops_others_before_their_end()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        using var client = server.Client();
        var path = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");
        var checkedFirst = await DbtManifestCheck.CheckFileAsync(path, new DbtManifestCheckOptions { Fingerprint = true });
        Assert.Equal(TestData.Xxh64(path), checkedFirst.Fingerprint);

        var sent = await client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, path, new CheckedUpload(path, checkedFirst.Fingerprint).Options);
        Assert.Equal(TestData.Sha256(path), Assert.Single(server.State.Uploads).Sha256);
        Assert.Equal(sent.Job.Id, server.State.Uploads[0].JobId);

        // Another content of the same size: stopped before its last byte, with the fingerprint named.
        var other = checkedFirst.Fingerprint![..^1] + (checkedFirst.Fingerprint[^1] == '0' ? '1' : '0');
        var failure = await Assert.ThrowsAsync<DbtManifestException>(() =>
            client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, path, new CheckedUpload(path, other).Options));
        Assert.Equal(DbtManifestProblem.Changed, failure.Problem);
        Assert.Contains($"another fingerprint than those checked before (XXH64 {checkedFirst.Fingerprint}, not {other}", failure.Message);
        Assert.Single(server.State.Uploads);
    }

    [Fact]
    public async Task In_discard_mode_the_server_drains_and_hashes_the_whole_body_without_reading_it()
    {
        await using var server = await ServerHarness.StartAsync(o => o.DiscardUploads = true);
        var id = server.Seed("jaffle_shop");
        // Not a manifest, not even a well-formed multipart body: the mode reads nothing, it only drains.
        var body = new byte[3_000_001];
        new Random(5).NextBytes(body);
        using var http = new HttpClient { BaseAddress = server.Server.Url };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/catalog/spaces/{ServerHarness.Space}/connectors/{id}/dbt-manifest")
        {
            Content = new ByteArrayContent(body),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ServerHarness.Key);
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=unused");

        using var response = await http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var upload = Assert.Single(server.State.Uploads);
        Assert.Equal(body.Length, upload.Bytes);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)), upload.Sha256);
        Assert.Null(upload.Problem);
    }

    [Fact]
    public async Task A_missing_file_throws_file_not_found_before_any_request()
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client();
        var missing = Path.Combine(TestData.TempDirectory("missing"), "target", "manifest.json");

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, "any", missing));

        Assert.Equal(missing, error.FileName);
        Assert.Contains("dbt parse", error.Message);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("broken", DbtManifestProblem.InvalidJson)]
    [InlineData("empty", DbtManifestProblem.Empty)]
    [InlineData("run_results", DbtManifestProblem.NotAManifest)]
    [InlineData("truncated", DbtManifestProblem.InvalidJson)]
    public async Task A_bad_file_is_refused_and_never_arrives_whole(string kind, DbtManifestProblem problem)
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        using var client = server.Client();
        var path = BadFiles.Make(kind);

        var error = await Assert.ThrowsAsync<DbtManifestException>(() =>
            client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, path, new CheckedUpload(path).Options));

        Assert.Equal(problem, error.Problem);
        Assert.Empty(server.State.Uploads);
        Assert.Empty(server.State.Jobs(ServerHarness.Space));
    }

    [Fact]
    public async Task Cancelling_mid_upload_stops_it_and_nothing_arrives()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("big");
        var path = Path.Combine(TestData.TempDirectory("cancel"), "manifest.json");
        ManifestGenerator.Write(path, 64L * 1024 * 1024);
        // The server stalls before reading, so the client is mid-request when it is cancelled: cancelled
        // once the server has the request (a fixed delay cancelled a loaded run before it was even sent).
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.State.Faults.Add(new Fault { LatencyMs = 1500, PathContains = "dbt-manifest", Reached = reached });
        using var client = server.Client();
        using var cancel = new CancellationTokenSource();

        var upload = client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, path, cancel.Token);
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => upload);

        await server.WaitForARecordedRequestAsync();

        Assert.NotEqual(202, Assert.Single(server.Requests).Status);
        Assert.Empty(server.State.Uploads);
        Assert.Empty(server.State.Jobs(ServerHarness.Space));
    }
}
