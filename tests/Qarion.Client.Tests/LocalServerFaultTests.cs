using System.Net.Sockets;
using System.Text;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Client.Tests;

/// <summary>The local server's faults do what they promise, to a client that reads as fast as it can.</summary>
public sealed class LocalServerFaultTests
{
    [Theory]
    [InlineData("GET")]
    [InlineData("upload")]
    public async Task A_request_dropped_after_its_work_sends_no_byte_of_its_answer_and_is_recorded_as_cut(string what)
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        server.State.Faults.Add(new Fault { DropAfter = true });
        var path = $"/catalog/spaces/{ServerHarness.Space}/connectors/{id}";
        var (head, body) = what == "GET" ? ($"GET {path} HTTP/1.1\r\n", []) : await UploadAsync(path);

        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", server.Server.Url.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{head}Host: 127.0.0.1\r\nAuthorization: Bearer {ServerHarness.Key}\r\n\r\n"));
        await stream.WriteAsync(body);

        Assert.Equal("", await ReadToTheEndAsync(stream));
        Assert.Equal(499, Assert.Single(server.Requests).Status);
        Assert.Equal(what == "upload" ? 1 : 0, server.State.Uploads.Count);
    }

    private static async Task<(string Head, byte[] Body)> UploadAsync(string path)
    {
        using var form = new MultipartFormDataContent("qarion-boundary");
        form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json"))), "file", "manifest.json");
        var body = await form.ReadAsByteArrayAsync();
        return ($"POST {path}/dbt-manifest HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=qarion-boundary\r\nContent-Length: {body.Length}\r\n", body);
    }

    private static async Task<string> ReadToTheEndAsync(NetworkStream stream)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // A reset is one way a cut connection ends.
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }
}
