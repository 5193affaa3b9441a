using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Qarion.Build.Tests.Support;

/// <summary>
/// Stands where an HTTP proxy would (HTTP_PROXY): accepts connections on 127.0.0.1, keeps whatever
/// a client sends, and answers nothing useful. A test asserts it was never used.
/// </summary>
public sealed class RecordingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly StringBuilder _received = new();
    private readonly Task _accepting;
    private int _connections;

    public RecordingProxy()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public int Connections => Volatile.Read(ref _connections);

    public string Received
    {
        get
        {
            lock (_received)
            {
                return _received.ToString();
            }
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                var buffer = new byte[64 * 1024];
                using var read = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                read.CancelAfter(TimeSpan.FromSeconds(2));
                try
                {
                    var count = await client.GetStream().ReadAsync(buffer, read.Token);
                    lock (_received)
                    {
                        _received.Append(Encoding.ASCII.GetString(buffer, 0, count));
                    }

                    await client.GetStream().WriteAsync("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), _stop.Token);
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException)
                {
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAny(_accepting);
        _stop.Dispose();
    }
}
