using System.Buffers;
using System.Net;
using System.Threading.Channels;
using Qarion.Client.Manifests;

namespace Qarion.Client.Http;

/// <summary>
/// A file sent as a request body through a few fixed buffers, never whole in memory. A second thread
/// reads the file and checks each chunk <em>before</em> it is handed to the sending thread, and the
/// last chunk is held back until the whole file has passed: a broken manifest, a file that changed
/// since it was checked, or a file that grew or shrank aborts the request before its last byte, so
/// the server never receives a complete bad or unchecked file.
/// </summary>
internal sealed class ManifestFileContent : HttpContent
{
    private const int ChunkSize = 1024 * 1024;

    /// <summary>How far reading and checking may run ahead of sending, in chunks: memory is bounded at Slots × ChunkSize.</summary>
    private const int Slots = 4;

    private readonly ManifestFile _file;
    private readonly DbtManifestReader? _reader;
    private readonly IUploadInspector? _inspector;
    private readonly ManifestHashKind _sentHash;
    private readonly string? _expectedHash;
    private volatile bool _readingFailed;

    /// <param name="file">The file and the size it had when the upload began.</param>
    /// <param name="reader">Checks the manifest while it is read (null: no check).</param>
    /// <param name="sentHash">The hash to take of the bytes sent (<see cref="SentHash"/>), if any.</param>
    /// <param name="expectedHash">That hash of the bytes checked before: what is sent must be exactly those.</param>
    /// <param name="inspector">The host's inspector of this attempt, if any (<see cref="IUploadInspector"/>).</param>
    public ManifestFileContent(ManifestFile file, DbtManifestReader? reader, ManifestHashKind sentHash, string? expectedHash, IUploadInspector? inspector = null)
    {
        _file = file;
        _reader = reader;
        _inspector = inspector;
        _sentHash = sentHash;
        _expectedHash = expectedHash;
    }

    /// <summary>The hash of the bytes sent, when asked for: exactly what the server received.</summary>
    public string? SentHash { get; private set; }

    /// <summary>What the reader found, once the whole file was read and checked.</summary>
    public DbtManifestInfo? Manifest { get; private set; }

    /// <summary>From the first byte read to the last byte handed to the network: the transfer alone.</summary>
    public TimeSpan TransferTime { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffers = Enumerable.Range(0, Slots).Select(_ => ArrayPool<byte>.Shared.Rent(ChunkSize)).ToArray();
        var free = Channel.CreateBounded<byte[]>(Slots);
        var toSend = Channel.CreateBounded<Chunk>(Slots);
        foreach (var buffer in buffers)
        {
            free.Writer.TryWrite(buffer);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Hashed on this (sending) thread, which mostly waits on the socket, while the other reads and checks.
        using var hash = ManifestHash.Create(_sentHash);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var producing = Task.Run(() => ReadAndCheckAsync(free.Reader, toSend.Writer, stop.Token), CancellationToken.None);
        try
        {
            Chunk? held = null;
            try
            {
                await foreach (var chunk in toSend.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    if (held is { } previous)
                    {
                        hash?.Append(previous.Buffer.AsSpan(0, previous.Length));
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

            // The last chunk leaves only once the whole file was read, checked and found unchanged.
            await producing.ConfigureAwait(false);
            if (held is { } last)
            {
                hash?.Append(last.Buffer.AsSpan(0, last.Length));
            }

            SentHash = hash?.Finish();
            if (_expectedHash is not null && SentHash != _expectedHash)
            {
                throw _file.Changed($"its content differs from what was checked before the upload (same size, another {hash!.Name})");
            }

            if (held is { } final)
            {
                await stream.WriteAsync(final.Buffer.AsMemory(0, final.Length), stop.Token).ConfigureAwait(false);
            }

            TransferTime = clock.Elapsed;
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

    private async Task ReadAndCheckAsync(ChannelReader<byte[]> free, ChannelWriter<Chunk> toSend, CancellationToken cancellationToken)
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

                _reader?.Append(buffer.AsSpan(0, read));
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

            Manifest = _reader?.Complete();
            if (_inspector is { } done)
            {
                Stopped(done.Complete);
            }

            toSend.TryComplete();
        }
        catch (DbtManifestException fast) when (fast.NeedsExplanation)
        {
            // The fast check decided; the file is read again to say what is wrong, with line and column.
            _readingFailed = true;
            try
            {
                await DbtManifestReader.ExplainAsync(_file.Path, fast, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception explained)
            {
                toSend.TryComplete(explained);
                throw;
            }
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
}

/// <summary>An <see cref="IUploadInspector"/> stopped the upload; the transport rethrows <see cref="Exception.InnerException"/>.</summary>
internal sealed class UploadStoppedException(Exception inner) : Exception("The upload's inspector stopped it.", inner);
