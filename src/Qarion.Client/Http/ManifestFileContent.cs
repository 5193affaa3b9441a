using System.Buffers;
using System.Net;
using System.Threading.Channels;

namespace Qarion.Client.Http;

/// <summary>
/// A file sent as a request body through a few fixed buffers, never whole in memory. A second thread
/// reads the file and hands each chunk to the host's <see cref="IUploadInspector"/> <em>before</em> it
/// goes to the sending thread, and the last chunk is held back until the whole file has passed: an
/// inspector that refuses the file, or a file that grew, shrank or vanished, aborts the request before
/// its last byte, so the server never receives a complete file that was not inspected whole.
/// </summary>
internal sealed class ManifestFileContent : HttpContent
{
    private const int ChunkSize = 1024 * 1024;

    /// <summary>How far reading and checking may run ahead of sending, in chunks: memory is bounded at Slots × ChunkSize.</summary>
    private const int Slots = 4;

    private readonly ManifestFile _file;
    private readonly IUploadInspector? _inspector;
    private volatile bool _readingFailed;
    private volatile Stage _stage;

    /// <param name="file">The file and the size it had when the upload began.</param>
    /// <param name="inspector">The host's inspector of this attempt, if any (<see cref="IUploadInspector"/>).</param>
    public ManifestFileContent(ManifestFile file, IUploadInspector? inspector)
    {
        _file = file;
        _inspector = inspector;
    }

    /// <summary>From the first byte read to the last byte handed to the network: the transfer alone.</summary>
    public TimeSpan TransferTime { get; private set; }

    /// <summary>
    /// Whether a request's body holds a file whose sending began and did not end: a connection that broke
    /// then broke while the manifest was being sent (not before the server took the request, nor after).
    /// </summary>
    public static bool CutShort(HttpContent? content) => content switch
    {
        ManifestFileContent file => file._stage == Stage.Sending,
        MultipartContent parts => parts.Any(CutShort),
        _ => false,
    };

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _stage = Stage.Sending;
        var buffers = Enumerable.Range(0, Slots).Select(_ => ArrayPool<byte>.Shared.Rent(ChunkSize)).ToArray();
        var free = Channel.CreateBounded<byte[]>(Slots);
        var toSend = Channel.CreateBounded<Chunk>(Slots);
        foreach (var buffer in buffers)
        {
            free.Writer.TryWrite(buffer);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var producing = Task.Run(() => ReadAndInspectAsync(free.Reader, toSend.Writer, stop.Token), CancellationToken.None);
        try
        {
            Chunk? held = null;
            try
            {
                await foreach (var chunk in toSend.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    if (held is { } previous)
                    {
                        await stream.WriteAsync(previous.Buffer.AsMemory(0, previous.Length), stop.Token).ConfigureAwait(false);
                        free.Writer.TryWrite(previous.Buffer);
                    }

                    held = chunk;
                }
            }
            catch when (_readingFailed)
            {
                // The reading side failed: its own exception says why (raised just below), not the channel's.
            }

            // The last chunk leaves only once the whole file was read, inspected and found the same size.
            await producing.ConfigureAwait(false);
            if (held is { } final)
            {
                await stream.WriteAsync(final.Buffer.AsMemory(0, final.Length), stop.Token).ConfigureAwait(false);
            }

            TransferTime = clock.Elapsed;
            _stage = Stage.Sent;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAny(producing).ConfigureAwait(false);
            foreach (var buffer in buffers)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private async Task ReadAndInspectAsync(ChannelReader<byte[]> free, ChannelWriter<Chunk> toSend, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = _file.OpenRead();
            if (stream.Length != _file.Length)
            {
                throw _file.Changed($"it {(stream.Length > _file.Length ? "grew" : "shrank")} from {_file.Length:N0} bytes, when the upload began, to {stream.Length:N0}");
            }

            long total = 0;
            while (true)
            {
                var buffer = await free.ReadAsync(cancellationToken).ConfigureAwait(false);
                var read = await _file.ReadAsync(stream, buffer.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > _file.Length)
                {
                    throw _file.Changed($"it grew while it was sent (more than the {_file.Length:N0} bytes it had when the upload began)");
                }

                if (_inspector is { } inspector)
                {
                    Stopped(() => inspector.Inspect(buffer.AsSpan(0, read)));
                }

                await toSend.WriteAsync(new Chunk(buffer, read), cancellationToken).ConfigureAwait(false);
            }

            if (total != _file.Length)
            {
                throw _file.Changed($"it shrank while it was sent ({_file.Length:N0} bytes when the upload began, {total:N0} read)");
            }

            if (_inspector is { } done)
            {
                Stopped(done.Complete);
            }

            toSend.TryComplete();
        }
        catch (Exception ex)
        {
            _readingFailed = true;
            toSend.TryComplete(ex);
            throw;
        }
    }

    /// <summary>The host's inspector decided: its exception is marked, so the transport hands it to the caller as it was thrown.</summary>
    private static void Stopped(Action inspect)
    {
        try
        {
            inspect();
        }
        catch (Exception ex)
        {
            throw new UploadStoppedException(ex);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _file.Length;
        return true;
    }

    /// <summary>
    /// A chunk read and checked, handed to the sending thread. An object, not a tuple: the channel's code
    /// for reference types comes precompiled with the runtime, where a value type had some thirty of its
    /// methods compiled on first use (in a build, every time).
    /// </summary>
    private sealed record Chunk(byte[] Buffer, int Length);

    private enum Stage
    {
        NotStarted,
        Sending,
        Sent,
    }
}

/// <summary>An <see cref="IUploadInspector"/> stopped the upload; the transport rethrows <see cref="Exception.InnerException"/>.</summary>
internal sealed class UploadStoppedException(Exception inner) : Exception("The upload's inspector stopped it.", inner);
