using Qarion.Dbt.Manifests;
using Qarion.Client.Tests.Support;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Client.Tests;

[Collection(SerialCollection.Name)]
public sealed class UploadMemoryTests
{
    [Fact]
    public async Task Upload_memory_does_not_grow_with_file_size()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("big");
        var dir = TestData.TempDirectory("memory");
        var small = Path.Combine(dir, "small.json");
        var large = Path.Combine(dir, "large.json");
        ManifestGenerator.Write(small, 8L * 1024 * 1024);
        ManifestGenerator.Write(large, 128L * 1024 * 1024);
        using var client = server.Client();
        var check = new CheckedUpload();
        var options = check.Options;
        await client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, small, options);

        // Allocation across the process (client and in-process server alike) per upload.
        var smallBytes = await AllocatedDuring(() => client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, small, options));
        var largeBytes = await AllocatedDuring(() => client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, large, options));

        Assert.True(largeBytes - smallBytes < 16L * 1024 * 1024, $"8 MB upload allocated {smallBytes:N0} bytes, 128 MB upload {largeBytes:N0}");
        var expected = TestData.Sha256(large);
        Assert.Equal(expected, server.State.Uploads.Last().Sha256);
        Assert.Equal(TestData.Xxh64(large), check.Manifest!.Fingerprint);
        Assert.Equal(new FileInfo(large).Length, check.Manifest.Bytes);
    }

    private static async Task<long> AllocatedDuring(Func<Task> action)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await action();
        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    [Fact]
    public async Task No_byte_of_the_last_chunk_of_a_large_manifest_that_breaks_at_its_end_is_written_to_the_request()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("big");
        // Over the 64 MB that are checked before sending: this one is checked while it is sent. It breaks
        // in its last chunk (the check reads in 1 MB chunks; the last one here is half of one).
        var path = Path.Combine(TestData.TempDirectory("tail"), "manifest.json");
        ManifestGenerator.Write(path, 66L * 1024 * 1024 + 512 * 1024);
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(file.Length - 100);
        }

        var length = new FileInfo(path).Length;
        var lastChunkStart = (length - 1) / (1024 * 1024) * (1024 * 1024);
        var counter = new WriteCounter();
        using var client = server.Client(o => o.HttpMessageHandler = counter);

        var error = await Assert.ThrowsAsync<DbtManifestException>(() =>
            client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, path, new CheckedUpload(path).Options));

        Assert.Equal(DbtManifestProblem.InvalidJson, error.Problem);
        // What the client itself wrote to the request: the multipart head (well under 1 KB) and the
        // chunks before the last, never a byte of the last one.
        Assert.InRange(counter.Written, 1024, lastChunkStart + 1024);
        Assert.Empty(server.State.Uploads);
    }

    /// <summary>Counts every byte the client writes to a request's body, on its way to a real handler.</summary>
    private sealed class WriteCounter() : DelegatingHandler(new SocketsHttpHandler())
    {
        private long _written;

        public long Written => Interlocked.Read(ref _written);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is { } content)
            {
                request.Content = new Counted(content, this);
            }

            return base.SendAsync(request, cancellationToken);
        }

        private sealed class Counted : HttpContent
        {
            private readonly HttpContent _inner;
            private readonly WriteCounter _counter;

            public Counted(HttpContent inner, WriteCounter counter)
            {
                (_inner, _counter) = (inner, counter);
                foreach (var (name, values) in inner.Headers)
                {
                    Headers.TryAddWithoutValidation(name, values);
                }
            }

            protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
                _inner.CopyToAsync(new Counting(stream, _counter));

            protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken) =>
                _inner.CopyToAsync(new Counting(stream, _counter), cancellationToken);

            protected override bool TryComputeLength(out long length)
            {
                length = 0;
                return false;
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _inner.Dispose();
                }

                base.Dispose(disposing);
            }
        }

        private sealed class Counting(Stream inner, WriteCounter counter) : Stream
        {
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() => inner.Flush();
            public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count)
            {
                Interlocked.Add(ref counter._written, count);
                inner.Write(buffer, offset, count);
            }

            public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            {
                Interlocked.Add(ref counter._written, buffer.Length);
                await inner.WriteAsync(buffer, cancellationToken);
            }

            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        }
    }
}
