using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Qarion.Testing;

/// <summary>
/// A server on 127.0.0.1 that resets the connection mid-exchange: while a request's body is arriving
/// (after "100 Continue" and some of the body), or after a success status and part of its announced body.
/// What a crashing server or a proxy that gives up does.
/// </summary>
public sealed class CuttingServer : IAsyncDisposable
{
    public enum Cut
    {
        /// <summary>"100 Continue", then a reset once <see cref="BodyBytes"/> of the body arrived.</summary>
        DuringUpload,

        /// <summary>"200 OK" announcing 1,000 bytes, 10 of them, then a reset.</summary>
        DuringAnswer,
    }

    private const int BodyBytes = 256 * 1024;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private readonly Cut _cut;
    private int _requests;

    public CuttingServer(Cut cut)
    {
        _cut = cut;
        _listener.Start();
        _serving = ServeAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>Requests whose headers arrived.</summary>
    public int Requests => Volatile.Read(ref _requests);

    private async Task ServeAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                try
                {
                    await ServeOneAsync(client);
                }
                catch (Exception ex) when (ex is SocketException or IOException)
                {
                }

                // A reset, not a close: the client meets it at once, mid-write or mid-read.
                client.Client.LingerState = new LingerOption(true, 0);
                client.Close();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException or IOException)
        {
        }
    }

    private async Task ServeOneAsync(TcpClient client)
    {
        var stream = client.GetStream();
        var seen = new List<byte>();
        var buffer = new byte[64 * 1024];
        var headersEnd = -1;
        while (headersEnd < 0)
        {
            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return;
            }

            seen.AddRange(buffer.AsSpan(0, read));
            headersEnd = Encoding.Latin1.GetString(seen.ToArray()).IndexOf("\r\n\r\n", StringComparison.Ordinal);
        }

        Interlocked.Increment(ref _requests);
        if (_cut == Cut.DuringAnswer)
        {
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\": \"a"u8.ToArray(), _stop.Token);
            await stream.FlushAsync(_stop.Token);
            return;
        }

        await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), _stop.Token);
        long body = seen.Count - (headersEnd + 4);
        while (body < BodyBytes)
        {
            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return;
            }

            body += read;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAny(_serving);
        _stop.Dispose();
    }
}
