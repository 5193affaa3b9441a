using System.Security.Cryptography;
using Qarion.Client.Tests.Support;
using Qarion.Testing;

namespace Qarion.Client.Tests;

/// <summary>
/// The public hook that sees every chunk of an upload before it is sent and can stop it: what a host
/// (Qarion.Build, a command line) plugs its own check into, so that what it checked is what is sent.
/// </summary>
public sealed class UploadInspectorTests
{
    /// <summary>Records what it saw; throws where told to.</summary>
    private sealed class Recorder(long stopAfterBytes = long.MaxValue, bool stopAtEnd = false) : IUploadInspector
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public long Seen { get; private set; }

        public int Chunks { get; private set; }

        public int Completions { get; private set; }

        public string Sha256 => Convert.ToHexStringLower(_hash.GetCurrentHash());

        public void Inspect(ReadOnlySpan<byte> chunk)
        {
            Chunks++;
            Seen += chunk.Length;
            _hash.AppendData(chunk);
            if (Seen >= stopAfterBytes)
            {
                throw new InvalidDataException($"stopped after {Seen} bytes");
            }
        }

        public void Complete()
        {
            Completions++;
            if (stopAtEnd)
            {
                throw new InvalidDataException("stopped at the end");
            }
        }
    }

    private static string File(int megabytes)
    {
        var path = Path.Combine(TestData.TempDirectory("inspect"), "manifest.json");
        ManifestGenerator.Write(path, (long)megabytes << 20);
        return path;
    }

    [Fact]
    public async Task The_inspector_sees_every_byte_the_server_receives_in_order_and_completes_once()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("inspected");
        using var client = server.Client();
        var path = File(5);
        var inspector = new Recorder();

        await client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, path, new DbtManifestUploadOptions { CreateInspector = () => inspector });

        var upload = Assert.Single(server.State.Uploads);
        Assert.Equal(new FileInfo(path).Length, inspector.Seen);
        Assert.True(inspector.Chunks > 1);
        Assert.Equal(1, inspector.Completions);
        Assert.Equal(upload.Sha256, inspector.Sha256);
        Assert.Equal(TestData.Sha256(path), inspector.Sha256);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_inspector_that_throws_stops_the_upload_before_its_last_byte_and_its_exception_reaches_the_caller(bool atTheEnd)
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("inspected");
        using var client = server.Client();
        var path = File(6);
        var inspector = atTheEnd ? new Recorder(stopAtEnd: true) : new Recorder(stopAfterBytes: 3L << 20);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => client.Connectors.UploadDbtManifestAsync(
            ServerHarness.Space, id, path, new DbtManifestUploadOptions { CreateInspector = () => inspector }));

        Assert.StartsWith("stopped", error.Message);
        Assert.Empty(server.State.Uploads);
        await server.WaitForAbortedUploadAsync();
        Assert.True(Assert.Single(server.State.AbortedUploads).BytesReceived < new FileInfo(path).Length);
        // Never retried: the host's own verdict does not get better by sending again.
        Assert.Equal(1, server.Requests.Count(r => r.Path.EndsWith("/dbt-manifest", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_retried_upload_gets_a_new_inspector_for_each_attempt()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("inspected");
        using var client = server.Client();
        server.State.Faults.Add(new LocalServer.State.Fault { Status = 503, RetryAfter = "0", PathContains = "dbt-manifest", Body = "text" });
        var made = new List<Recorder>();
        var path = File(1);

        await client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, path, new DbtManifestUploadOptions
        {
            CreateInspector = () => { var r = new Recorder(); made.Add(r); return r; },
        });

        Assert.Single(server.State.Uploads);
        Assert.Equal(server.Requests.Count(r => r.Path.EndsWith("/dbt-manifest", StringComparison.Ordinal)), made.Count);
        Assert.All(made.Where(r => r.Completions == 1), r => Assert.Equal(TestData.Sha256(path), r.Sha256));
        Assert.Equal(1, made[^1].Completions);
    }
    /// <summary>A host's handler that wraps whatever went wrong below it, as logging and resilience handlers may.</summary>
    private sealed class WrappingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (Exception ex) when (ex is not HttpRequestException)
            {
                throw new HttpRequestException("An error occurred while sending the request.", new IOException("the host's wrapping", ex));
            }
        }
    }

    /// <summary>A 3 MB upload through <see cref="WrappingHandler"/> with the given inspector: what it threw, and how many uploads the server received.</summary>
    private static async Task<(Exception? Error, int Uploads)> UploadBelowAWrappingHandlerAsync(Func<string, IUploadInspector> inspector)
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("inspected");
        using var client = server.Client(o => { o.HttpMessageHandler = new WrappingHandler(); o.MaxRetries = 3; });
        var path = File(3);

        var error = await Record.ExceptionAsync(() => client.Connectors.UploadDbtManifestAsync(
            ServerHarness.Space, id, path, new DbtManifestUploadOptions { CreateInspector = () => inspector(path) }));
        return (error, server.State.Uploads.Count);
    }

    [Fact]
    public async Task Below_a_host_handler_that_wraps_it_the_inspectors_exception_still_reaches_the_caller_as_thrown()
    {
        var (error, uploads) = await UploadBelowAWrappingHandlerAsync(_ => new Recorder(stopAfterBytes: 1));

        Assert.StartsWith("stopped after ", Assert.IsType<InvalidDataException>(error).Message);
        Assert.Equal(0, uploads);
    }

    [Fact]
    public async Task Below_a_host_handler_that_wraps_it_a_file_that_changed_is_the_files_problem_not_the_networks()
    {
        var (error, uploads) = await UploadBelowAWrappingHandlerAsync(path => new FileChangedTests.Rewriter(path, new FileInfo(path).Length / 2));

        Assert.Equal(QarionFileProblem.Changed, Assert.IsType<QarionFileException>(error).Problem);
        Assert.Equal(0, uploads);
    }
}
