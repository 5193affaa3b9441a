using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Qarion.Testing;

/// <summary>
/// A misbehaving HTTP/1.1 server on 127.0.0.1, one connection at a time: it reads a request's headers, counts the
/// request, and leaves the rest to <see cref="ServeAsync(NetworkStream, int)"/>; then it closes the connection.
/// </summary>
public abstract class RawTcpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private Task _serving = Task.CompletedTask;
    private int _requests;

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>Requests whose headers arrived.</summary>
    public int Requests => Volatile.Read(ref _requests);

    protected CancellationToken Stopping => _stop.Token;

    /// <summary>Whether the connection is reset (not closed) when the exchange ends: the client meets it at once, mid-write or mid-read.</summary>
    protected abstract bool Resets { get; }

    /// <summary>Called by the derived class's constructor, once its fields are set.</summary>
    protected void Start()
    {
        _listener.Start();
        _serving = AcceptAsync();
    }

    /// <summary>The exchange after the headers; <paramref name="bodyStart"/> bytes of the body came with them.</summary>
    protected abstract Task ServeAsync(NetworkStream stream, int bodyStart);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                try
                {
                    var stream = client.GetStream();
                    var (headersRead, body) = await ReadHeadersAsync(stream);
                    if (headersRead)
                    {
                        Interlocked.Increment(ref _requests);
                        await ServeAsync(stream, body.Length);
                    }
                }
                catch (Exception ex) when (ex is SocketException or IOException)
                {
                }

                if (Resets)
                {
                    client.Client.LingerState = new LingerOption(true, 0);
                }

                client.Close();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException or IOException)
        {
        }
    }

    /// <summary>Reads to the end of the headers; what came after them is the start of the body.</summary>
    private async Task<(bool Read, byte[] Body)> ReadHeadersAsync(NetworkStream stream)
    {
        var seen = new List<byte>();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return (false, []);
            }

            seen.AddRange(buffer.AsSpan(0, read));
            var end = Encoding.Latin1.GetString(seen.ToArray()).IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                return (true, seen.Skip(end + 4).ToArray());
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAny(_serving);
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
