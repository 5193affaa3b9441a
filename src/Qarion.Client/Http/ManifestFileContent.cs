using System.Buffers;
using System.Net;
using System.Threading.Channels;
using Qarion.Client.Manifests;

namespace Qarion.Client.Http;

/// <summary>
/// A file sent as a request body through a few fixed buffers, never whole in memory. When a manifest
/// reader is given, the file is checked on a second thread while the first keeps sending, so the check
/// costs little time; a broken file throws before the last byte, the request is aborted, and the
/// server never receives a complete bad file.
/// </summary>
internal sealed class ManifestFileContent : HttpContent
{
    private const int ChunkSize = 1024 * 1024;

    /// <summary>How far sending may run ahead of checking, in chunks: memory is bounded at Slots × ChunkSize.</summary>
    private const int Slots = 4;

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

        var buffers = Enumerable.Range(0, Slots).Select(_ => ArrayPool<byte>.Shared.Rent(ChunkSize)).ToArray();
        var free = Channel.CreateBounded<byte[]>(Slots);
        var toCheck = Channel.CreateBounded<(byte[] Buffer, int Length)>(Slots);
        foreach (var buffer in buffers)
        {
            free.Writer.TryWrite(buffer);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var checking = _reader is null ? Task.CompletedTask : Task.Run(() => CheckAsync(_reader, toCheck.Reader, free.Writer, stop));
        try
        {
            long sent = 0;
            try
            {
                while (true)
                {
                    var buffer = await free.Reader.ReadAsync(stop.Token).ConfigureAwait(false);
                    var read = await file.ReadAsync(buffer.AsMemory(0, ChunkSize), stop.Token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    await stream.WriteAsync(buffer.AsMemory(0, read), stop.Token).ConfigureAwait(false);
                    sent += read;
                    if (_reader is null)
                    {
                        free.Writer.TryWrite(buffer);
                    }
                    else
                    {
                        await toCheck.Writer.WriteAsync((buffer, read), stop.Token).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Only a failed check stops the sending from inside; its error is raised just below.
            }

            toCheck.Writer.TryComplete();
            // A check failure surfaces here, before the multipart's closing boundary is written.
            await checking.ConfigureAwait(false);
            if (sent != _length)
            {
                throw new IOException($"{_path} changed size while it was being uploaded ({_length:N0} → {sent:N0} bytes).");
            }

            Manifest = _reader?.Complete();
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAny(checking).ConfigureAwait(false);
            foreach (var buffer in buffers)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static async Task CheckAsync(
        DbtManifestReader reader, ChannelReader<(byte[] Buffer, int Length)> chunks, ChannelWriter<byte[]> free, CancellationTokenSource stop)
    {
        try
        {
            await foreach (var (buffer, length) in chunks.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                reader.Append(buffer.AsSpan(0, length));
                free.TryWrite(buffer);
            }
        }
        catch
        {
            // Whatever stopped the check must stop the sending too, which would otherwise wait for buffers.
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }
}
