using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Qarion.Testing;

/// <summary>
/// A misbehaving server on 127.0.0.1: it reads a request's headers, answers at once with a final status
/// (401, 413, …), and closes the connection without reading the body, as servers and proxies that refuse
/// early do. Closing with unread data makes the kernel reset the connection under a client still sending.
/// </summary>
public sealed class EarlyAnswerServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private readonly int _status;
    private readonly string _detail;
    private int _requests;

    public EarlyAnswerServer(int status, string detail)
    {
        _status = status;
        _detail = detail;
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
                var stream = client.GetStream();
                var seen = new StringBuilder();
                var buffer = new byte[4096];
                while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        break;
                    }

                    seen.Append(Encoding.Latin1.GetString(buffer, 0, read));
                }

                Interlocked.Increment(ref _requests);
                var body = $"{{\"detail\": \"{_detail}\"}}";
                var answer = $"HTTP/1.1 {_status} Refused\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
                await stream.WriteAsync(Encoding.UTF8.GetBytes(answer), _stop.Token);
                // Closed at once, the body unread: what a client sending a large body meets as a reset.
                client.Close();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException or IOException)
        {
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
