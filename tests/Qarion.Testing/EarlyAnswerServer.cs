using System.Net.Sockets;
using System.Text;

namespace Qarion.Testing;

/// <summary>
/// A server that reads a request's headers, answers at once with a final status (401, 413, …), and closes the
/// connection without reading the body, as servers and proxies that refuse early do. Closing with unread data
/// makes the kernel reset the connection under a client still sending.
/// </summary>
public sealed class EarlyAnswerServer : RawTcpServer
{
    private readonly int _status;
    private readonly string _detail;

    public EarlyAnswerServer(int status, string detail)
    {
        _status = status;
        _detail = detail;
        Start();
    }

    // Closed at once, the body unread: what a client sending a large body meets as a reset.
    protected override bool Resets => false;

    protected override async Task ServeAsync(NetworkStream stream, int bodyStart)
    {
        var body = $"{{\"detail\": \"{_detail}\"}}";
        var answer = $"HTTP/1.1 {_status} Refused\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(answer), Stopping);
    }
}
