using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Qarion.Client.Manifests;

/// <summary>
/// SHA-256 on a thread of its own, over chunks the caller reads into buffers it rents here: the caller
/// hands a chunk over and goes on checking it while it is hashed, so a check with its hash costs the
/// slower of the two rather than their sum. A buffer comes back to the caller only once it is hashed,
/// and the caller rents the next one only when done with the last, so no buffer is ever written while
/// in use. One thread for the whole file: handing chunks to the thread pool one by one cost more than
/// the hash itself.
/// </summary>
internal sealed class BackgroundSha256 : IDisposable
{
    private readonly BlockingCollection<byte[]> _free;
    private readonly BlockingCollection<(byte[] Buffer, int Length)> _toHash;
    private readonly byte[][] _buffers;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Thread _thread;
    private Exception? _failure;

    public BackgroundSha256(int slots, int chunkSize)
    {
        _buffers = Enumerable.Range(0, slots).Select(_ => ArrayPool<byte>.Shared.Rent(chunkSize)).ToArray();
        _free = new BlockingCollection<byte[]>(slots);
        _toHash = new BlockingCollection<(byte[], int)>(slots);
        foreach (var buffer in _buffers)
        {
            _free.Add(buffer);
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "Qarion manifest SHA-256" };
        _thread.Start();
    }

    /// <summary>A buffer to read the next chunk into; waits while all are still being hashed.</summary>
    public byte[] Rent(CancellationToken cancellationToken) => _free.Take(cancellationToken);

    /// <summary>Hashes the chunk in order after the ones before it; the buffer comes back to <see cref="Rent"/> after.</summary>
    public void Add(byte[] buffer, int length) => _toHash.Add((buffer, length));

    /// <summary>Waits for every chunk handed over and returns the hash in lower-case hex.</summary>
    public string Finish()
    {
        _toHash.CompleteAdding();
        _thread.Join();
        if (_failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(_failure).Throw();
        }

        return Sha256.Hex(_hash);
    }

    private void Run()
    {
        try
        {
            foreach (var (buffer, length) in _toHash.GetConsumingEnumerable())
            {
                _hash.AppendData(buffer, 0, length);
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

        _hash.Dispose();
        _free.Dispose();
        _toHash.Dispose();
    }
}
