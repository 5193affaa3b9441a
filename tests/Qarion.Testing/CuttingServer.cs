using System.Net.Sockets;

namespace Qarion.Testing;

/// <summary>
/// A server that resets the connection mid-exchange: while a request's body is arriving (after "100 Continue"
/// and some of the body), or after a success status and part of its announced body. What a crashing server or
/// a proxy that gives up does.
/// </summary>
public sealed class CuttingServer : RawTcpServer
{
    public enum Cut
    {
        /// <summary>"100 Continue", then a reset once <see cref="BodyBytes"/> of the body arrived.</summary>
        DuringUpload,

        /// <summary>"200 OK" announcing 1,000 bytes, 10 of them, then a reset.</summary>
        DuringAnswer,
    }

    private const int BodyBytes = 256 * 1024;
    private readonly Cut _cut;

    public CuttingServer(Cut cut)
    {
        _cut = cut;
        Start();
    }

    protected override bool Resets => true;

    protected override async Task ServeAsync(NetworkStream stream, int bodyStart)
    {
        if (_cut == Cut.DuringAnswer)
        {
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\": \"a"u8.ToArray(), Stopping);
            await stream.FlushAsync(Stopping);
            return;
        }

        await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), Stopping);
        var chunk = new byte[64 * 1024];
        for (long body = bodyStart; body < BodyBytes;)
        {
            var read = await stream.ReadAsync(chunk, Stopping);
            if (read == 0)
            {
                return;
            }

            body += read;
        }
    }
}
