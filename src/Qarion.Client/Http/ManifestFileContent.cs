using System.Buffers;
using System.Net;
using Qarion.Client.Manifests;

namespace Qarion.Client.Http;

/// <summary>
/// A file sent as a request body in fixed-size chunks, never whole in memory. When a manifest reader
/// is given, each chunk is checked while it is on the wire; a broken file throws before the last
/// byte, so the request is aborted and the server never receives a complete bad file.
/// </summary>
internal sealed class ManifestFileContent : HttpContent
{
    private const int ChunkSize = 128 * 1024;
    private readonly string _path;
    private readonly long _length;
    private readonly DbtManifestReader? _reader;

    public ManifestFileContent(string path, long length, DbtManifestReader? reader)
    {
        _path = path;
        _length = length;
        _reader = reader;
    }

    /// <summary>What the reader found, once the whole file was sent.</summary>
    public DbtManifestInfo? Manifest { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        if (file.Length != _length)
        {
            throw new IOException($"{_path} changed size while it was being uploaded ({_length:N0} → {file.Length:N0} bytes).");
        }

        // Two buffers: one is checked and sent while the next is read.
        var current = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var next = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var read = await file.ReadAsync(current.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false);
            long sent = 0;
            while (read > 0)
            {
                var chunk = current;
                var length = read;
                var send = stream.WriteAsync(chunk.AsMemory(0, length), cancellationToken).AsTask();
                var check = _reader is null ? Task.CompletedTask : Task.Run(() => _reader.Append(chunk.AsSpan(0, length)), cancellationToken);
                var readNext = file.ReadAsync(next.AsMemory(0, ChunkSize), cancellationToken).AsTask();
                await Task.WhenAll(send, check, readNext).ConfigureAwait(false);
                sent += length;
                read = readNext.Result;
                (current, next) = (next, current);
            }

            if (sent != _length)
            {
                throw new IOException($"{_path} changed size while it was being uploaded ({_length:N0} → {sent:N0} bytes).");
            }

            // Throws for a truncated or non-manifest file before the multipart's closing boundary is written.
            Manifest = _reader?.Complete();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }
}
