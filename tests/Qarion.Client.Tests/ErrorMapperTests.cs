using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Qarion.Client.Http;

namespace Qarion.Client.Tests;

/// <summary>What an error answer becomes, word for word: the status, the server's words or what its body was, and what to do.</summary>
public sealed class ErrorMapperTests
{
    private const string Path = "/catalog/spaces/s/connectors/x";

    private static HttpResponseMessage Answer(int status, string body, string mediaType = "application/json", string? encoding = null, string? retryAfter = null)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        if (encoding is not null)
        {
            response.Content.Headers.ContentEncoding.Add(encoding);
        }

        if (retryAfter is not null)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        }

        return response;
    }

    private static async Task<QarionException> Map(HttpResponseMessage response, long? uploadSize = null, string? note = null)
    {
        using (response)
        {
            return await ErrorMapper.FromResponseAsync(response, "GET", Path, new SecretScrubber("qk_mapper-secret"), 2, uploadSize, note, CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_servers_detail_becomes_a_sentence_between_the_status_and_the_advice()
    {
        var error = await Map(Answer(404, "{\"detail\":\"Connector not found\"}"));

        Assert.IsType<QarionNotFoundException>(error);
        Assert.Equal($"GET {Path} failed with 404 Not Found: Connector not found. The space or the connector does not exist, or this key cannot see it.", error.Message);
    }

    [Fact]
    public async Task A_note_follows_the_servers_words_and_a_sentence_that_ends_already_gets_no_second_stop()
    {
        var error = await Map(Answer(409, "{\"detail\":\"Name taken?\"}"), note: "(the first attempt may have worked)");

        Assert.Equal($"GET {Path} failed with 409 Conflict: Name taken? (the first attempt may have worked) Something with the same name exists, or it changed meanwhile.", error.Message);
    }

    [Fact]
    public async Task An_empty_body_is_said_to_be_empty()
    {
        var error = await Map(Answer(500, ""));

        Assert.Equal($"GET {Path} failed with 500 Internal Server Error: (empty body). Qarion failed on its side; try again later.", error.Message);
    }

    [Theory]
    [InlineData(300, false)]
    [InlineData(301, true)]
    public async Task A_body_that_is_not_json_is_quoted_up_to_300_characters(int length, bool cut)
    {
        var body = new string('x', length);

        var error = await Map(Answer(502, body, "text/plain"));

        Assert.Equal($"GET {Path} failed with 502 Bad Gateway: the answer was not JSON (text/plain): {new string('x', 300)}{(cut ? "…" : "")}. Qarion failed on its side; try again later.", error.Message);
    }

    [Fact]
    public async Task The_exception_keeps_the_first_4_KB_of_the_body()
    {
        var error = await Map(Answer(500, new string('y', 5000), "text/plain"));

        Assert.Equal(new string('y', 4096), error.ResponseBody);
    }

    [Fact]
    public async Task A_json_body_as_long_as_the_bound_is_taken_to_be_cut_and_is_not_read_as_json()
    {
        var bound = (int)typeof(ErrorMapper).GetField("MaxBodyChars", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.GetRawConstantValue()!;
        var body = "{\"detail\":\"" + new string('z', bound - 13) + "\"}";
        Assert.Equal(bound, body.Length);

        var error = await Map(Answer(500, body));

        Assert.Null(error.Detail);
        Assert.Contains("the answer was not JSON (application/json): {\"detail\":\"zzz", error.Message);
    }

    [Theory]
    [InlineData("application/json", "gzip", "the answer was not text (application/json, Content-Encoding gzip, 11 characters read), so it is not quoted")]
    [InlineData("application/octet-stream", null, "the answer was not text (application/octet-stream, 3 characters read), so it is not quoted")]
    public async Task A_body_that_is_not_text_is_described_never_quoted(string mediaType, string? encoding, string said)
    {
        var error = await Map(Answer(503, encoding is null ? "\u0001\u0002\u0003" : "plain words", mediaType, encoding));

        Assert.Contains($"failed with 503 Service Unavailable: {said}; a proxy or gateway may have answered instead of Qarion.", error.Message);
    }

    [Theory]
    [InlineData("text/html", "<html><title> Bad &amp; Gateway </title></html>", "an HTML page titled \"Bad & Gateway\" (text/html)")]
    [InlineData("text/html", "<html><body>no title</body></html>", "an HTML page (text/html)")]
    [InlineData("text/plain", "  <p>a page all the same</p>", "an HTML page (text/plain)")]
    public async Task An_html_page_is_named_with_its_title(string mediaType, string body, string said)
    {
        var error = await Map(Answer(502, body, mediaType));

        Assert.Contains($"failed with 502 Bad Gateway: the answer was {said}, not Qarion's JSON; a proxy or gateway may have answered instead of Qarion.", error.Message);
    }

    [Fact]
    public async Task A_refused_upload_says_the_files_size()
    {
        var error = await Map(Answer(413, "{\"detail\":\"Too large\"}"), uploadSize: 3_145_728);

        Assert.Equal($"GET {Path} failed with 413 Request Entity Too Large: Too large. The file is 3,145,728 bytes (3.0 MiB), more than the server accepts. Reduce the file or ask the server's operator for a larger limit.", error.Message);
    }

    [Fact]
    public async Task A_last_429_says_how_long_the_server_asked_to_wait_with_the_clients_advice_apart()
    {
        var error = await Map(Answer(429, "{\"detail\":\"Slow down\"}", retryAfter: "7"));

        var limited = Assert.IsType<QarionRateLimitException>(error);
        Assert.Equal($"GET {Path} failed with 429 Too Many Requests: Slow down. Still rate limited after 2 attempt(s). The server last asked to wait 7 s. Lower the request rate of the clients that share this key, or raise TotalTimeout.", error.Message);
        Assert.Equal("Lower the request rate of the clients that share this key, or raise TotalTimeout.", limited.Advice);
        Assert.Equal(TimeSpan.FromSeconds(7), limited.RetryAfter);
    }

    [Fact]
    public async Task A_validation_error_lists_its_fields()
    {
        var error = await Map(Answer(422, "{\"detail\":[{\"loc\":[\"body\",\"name\"],\"msg\":\"field required\",\"type\":\"missing\"}]}"));

        Assert.IsType<QarionValidationException>(error);
        Assert.StartsWith($"GET {Path} failed with 422 Unprocessable Entity: ", error.Message);
        Assert.Contains("name", error.Message);
        Assert.Contains("field required", error.Message);
        Assert.EndsWith(" Fix the request's fields and try again.", error.Message);
    }

    [Fact]
    public async Task Each_field_error_of_a_validation_error_is_said_in_turn()
    {
        var error = await Map(Answer(422, """
            {"detail":[{"loc":["body","name"],"msg":"field required","type":"missing"},{"loc":["body","connector_type"],"msg":"unknown type","type":"enum"}]}
            """));

        var said = error.Message[(error.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..];
        Assert.Contains("field required; ", said);
        Assert.Contains("connector_type", said[said.IndexOf("; ", StringComparison.Ordinal)..]);
    }

    [Fact]
    public async Task A_text_body_of_several_lines_is_quoted_on_one()
    {
        var error = await Map(Answer(502, "upstream failed\nat the gateway\r\nretry later", "text/plain"));

        Assert.Contains("the answer was not JSON (text/plain): upstream failed at the gateway retry later.", error.Message);
    }
}
