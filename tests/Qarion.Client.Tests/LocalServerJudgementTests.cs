using System.Net.Http.Headers;
using System.Text;
using Qarion.Dbt.Manifests;
using Qarion.Client.Tests.Support;
using Qarion.Testing;

namespace Qarion.Client.Tests;

/// <summary>
/// The local server judges uploads with its own check (it shares no code with the client): on every real
/// manifest it must find what the client's reader finds, and it must refuse what is not a manifest.
/// </summary>
public sealed class LocalServerJudgementTests
{
    [Theory]
    [MemberData(nameof(ManifestTheories.ManifestFiles), MemberType = typeof(ManifestTheories))]
    public async Task The_server_counts_every_real_manifest_as_the_clients_reader_does(string file)
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("judged");
        var expected = await DbtManifestCheck.CheckFileAsync(TestData.Manifest(file));

        var (status, _) = await PostAsync(server, id, await File.ReadAllBytesAsync(TestData.Manifest(file)), chunk: 1000);

        Assert.Equal(202, status);
        var seen = server.State.LastManifest(id);
        Assert.NotNull(seen);
        Assert.Equal(expected.SchemaVersionUrl, seen.SchemaVersion);
        Assert.Equal(expected.DbtVersion, seen.DbtVersion);
        Assert.Equal((expected.Nodes, expected.Sources, expected.Macros, expected.Exposures, expected.Metrics),
            ((long)seen.Nodes, (long)seen.Sources, (long)seen.Macros, (long)seen.Exposures, (long)seen.Metrics));
    }

    [Theory]
    [InlineData("", "JSON token")]
    [InlineData("[]", "not an object")]
    [InlineData("{\"metadata\": {\"dbt_schema_version\": \"https://schemas.getdbt.com/dbt/catalog/v1.json\"}}", "not a dbt manifest schema")]
    [InlineData("{\"metadata\": {}, \"nodes\": {}}", "missing")]
    [InlineData("{\"metadata\": {\"dbt_schema_version\": \"https://schemas.getdbt.com/dbt/manifest/v12.json\"}, \"nodes\": {\"a\": 1", "")]
    [InlineData("{\"metadata\": {\"dbt_schema_version\": \"https://schemas.getdbt.com/dbt/manifest/v12.json\"}} trailing", "")]
    public async Task The_server_fails_the_sync_of_what_is_not_a_manifest(string body, string said)
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("judged");

        var (status, _) = await PostAsync(server, id, Encoding.UTF8.GetBytes(body), chunk: 3);

        Assert.Equal(202, status);
        Assert.Null(server.State.LastManifest(id));
        var upload = Assert.Single(server.State.Uploads);
        Assert.NotNull(upload.Problem);
        Assert.Contains(said, upload.Problem);
    }

    [Fact]
    public async Task The_broken_real_manifest_is_refused_by_the_server_as_by_the_reader()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("judged");
        await Assert.ThrowsAsync<DbtManifestException>(() => DbtManifestCheck.CheckFileAsync(TestData.BrokenManifest));

        await PostAsync(server, id, await File.ReadAllBytesAsync(TestData.BrokenManifest), chunk: 64 * 1024);

        Assert.Null(server.State.LastManifest(id));
        Assert.NotNull(Assert.Single(server.State.Uploads).Problem);
    }

    /// <summary>A plain multipart POST, its file part written in small pieces so the server reads it over many reads.</summary>
    private static async Task<(int Status, string Body)> PostAsync(ServerHarness server, string id, byte[] file, int chunk)
    {
        using var http = new HttpClient { BaseAddress = server.Server.Url };
        using var content = new MultipartFormDataContent();
        var part = new StreamContent(new MemoryStream(file), chunk);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Add(part, "file", "manifest.json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"catalog/spaces/{ServerHarness.Space}/connectors/{id}/dbt-manifest") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServerHarness.Key);
        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
