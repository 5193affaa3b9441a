using System.Buffers;
using System.Collections.Concurrent;

namespace Qarion.Dbt.Manifests;

/// <summary>
/// The fingerprint's hash (<see cref="Xxh64"/>) on a thread of its own, over chunks the caller reads into
/// buffers it rents here: the caller hands a chunk over and goes on checking it while it is hashed,
/// so a check with its hash costs the
/// slower of the two rather than their sum. A buffer comes back to the caller only once it is hashed,
/// and the caller rents the next one only when done with the last, so no buffer is ever written while
/// in use. One thread for the whole file: handing chunks to the thread pool one by one cost more than
/// the hash itself.
/// </summary>
internal sealed class BackgroundHash : IDisposable
{
    private readonly BlockingCollection<byte[]> _free;
    // Chunks are objects, not tuples: the collection's code for reference types comes precompiled with the
    // runtime, where a value type had some thirty of its methods compiled on first use (in a build, every time).
    private readonly BlockingCollection<Chunk> _toHash;
    private readonly byte[][] _buffers;
    private readonly Xxh64 _hash = new();
    private readonly Thread _thread;
    private Exception? _failure;

    public BackgroundHash(int slots, int chunkSize)
    {
        _buffers = new byte[slots][];
        for (var i = 0; i < slots; i++)
        {
            _buffers[i] = ArrayPool<byte>.Shared.Rent(chunkSize);
        }

        _free = new BlockingCollection<byte[]>(slots);
        _toHash = new BlockingCollection<Chunk>(slots);
        foreach (var buffer in _buffers)
        {
            _free.Add(buffer);
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "Qarion manifest hash" };
        _thread.Start();
    }

    /// <summary>A buffer to read the next chunk into; waits while all are still being hashed.</summary>
    public byte[] Rent(CancellationToken cancellationToken) => _free.Take(cancellationToken);

    /// <summary>Hashes the chunk in order after the ones before it; the buffer comes back to <see cref="Rent"/> after.</summary>
    public void Add(byte[] buffer, int length) => _toHash.Add(new Chunk(buffer, length));

    /// <summary>Waits for every chunk handed over and returns the hash in lower-case hex.</summary>
    public string Finish()
    {
        _toHash.CompleteAdding();
        _thread.Join();
        if (_failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(_failure).Throw();
        }

        return _hash.FinishHex();
    }

    private void Run()
    {
        try
        {
            foreach (var (buffer, length) in _toHash.GetConsumingEnumerable())
            {
                _hash.Append(buffer.AsSpan(0, length));
                _free.Add(buffer);
            }
        }
        catch (Exception ex)
        {
            _failure = ex;
        }
    }

    public void Dispose()
    {
        // The thread ends before its buffers go back to the pool, even when the caller failed midway.
        _toHash.CompleteAdding();
        _thread.Join();
        foreach (var buffer in _buffers)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _free.Dispose();
        _toHash.Dispose();
    }

    private sealed record Chunk(byte[] Buffer, int Length);
}
