using System.Net;
using System.Net.Sockets;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Client.Tests;

/// <summary>Every failure names its real cause: the status a server sent, a redirect, a certificate, a wait it asked for.</summary>
public sealed class HonestFailureTests
{
    private static string BigManifest(int megabytes)
    {
        var path = Path.Combine(TestData.TempDirectory("honest"), "manifest.json");
        ManifestGenerator.Write(path, (long)megabytes << 20);
        return path;
    }

    [Theory]
    [InlineData(401, 1)]
    [InlineData(401, 70)]
    [InlineData(413, 70)]
    public async Task A_refusal_sent_before_the_body_was_read_is_reported_with_its_status(int status, int megabytes)
    {
        await using var server = new EarlyAnswerServer(status, status == 401 ? "Invalid API key." : "Upload too large.");
        var path = megabytes == 1 ? TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json") : BigManifest(megabytes);
        // The client's own handler, with only its wait for "100 Continue" lengthened: a test host starved of CPU
        // for a second (the whole suite runs on two cores) would otherwise start the body before the refusal came.
        using var handler = Qarion.Client.Http.QarionTransport.CreateHandler(server.Url);
        handler.Expect100ContinueTimeout = TimeSpan.FromMinutes(1);
        using var client = new QarionClient(new QarionClientOptions { ApiKey = ServerHarness.Key, BaseUrl = server.Url, MaxRetries = 0, HttpMessageHandler = handler });

        var error = await Assert.ThrowsAnyAsync<QarionException>(() =>
            client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, Guid.NewGuid().ToString(), path, new CheckedUpload(path).Options));

        Assert.True(status == (int?)error.StatusCode, error.ToString());
        Assert.IsType(status == 401 ? typeof(QarionAuthenticationException) : typeof(QarionPayloadTooLargeException), error);
        Assert.Equal(1, server.Requests);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(70)]
    public async Task A_redirected_upload_says_where_at_any_size_and_sends_nothing_there(int megabytes)
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("big");
        using var client = server.Client();
        server.State.Faults.Add(new Fault { Status = 307, Location = "https://uploads.qarion.example/v2/manifest", Body = "empty", PathContains = "dbt-manifest" });

        var error = await Assert.ThrowsAnyAsync<QarionException>(() =>
            client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, BigManifest(megabytes), new CheckedUpload().Options));

        Assert.Equal(307, (int?)error.StatusCode);
        Assert.Contains("was redirected (307 Temporary Redirect) to https://uploads.qarion.example/v2/manifest", error.Message);
        Assert.Equal("Set the base URL (QarionClientOptions.BaseUrl) to the address the server redirects to.", error.Advice);
        Assert.DoesNotContain("QarionApiUrl", error.Message);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData("self-signed", "untrusted root: it is self-signed")]
    [InlineData("other-name", "name mismatch")]
    [InlineData("expired", "expired on")]
    public async Task A_refused_certificate_is_named_with_its_host_and_never_retried(string kind, string said)
    {
        var certificate = kind switch
        {
            "self-signed" => TestCertificates.SelfSigned(),
            "other-name" => TestCertificates.OtherName(),
            _ => TestCertificates.Expired(),
        };
        await using var server = await ServerHarness.StartAsync(o => o.Certificate = certificate);
        using var client = server.Client();

        var error = await Assert.ThrowsAsync<QarionCertificateException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.StartsWith("https://", server.Server.Url.ToString());
        Assert.Contains(said, error.Problem);
        Assert.Equal("127.0.0.1", error.Host);
        // The client speaks of its own options and of this machine, never of a host's settings or docs.
        Assert.Contains("make this machine trust it", error.Message);
        Assert.Equal("If this server uses a private certificate authority, make this machine trust it; otherwise check the base URL's host name (QarionClientOptions.BaseUrl).", error.Advice);
        Assert.DoesNotContain("README", error.Message);
        Assert.DoesNotContain("QarionApiUrl", error.Message);
        Assert.Empty(server.Delays);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_time_budget_is_said_plainly()
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client(o => o.TotalTimeout = TimeSpan.FromMinutes(2));
        server.State.Faults.Add(new Fault { Status = 503, RetryAfter = "600", Body = "text" });

        var error = await Assert.ThrowsAsync<QarionServerException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        var said = System.Text.RegularExpressions.Regex.Match(error.Message,
            @"The server asked to wait 600 s before trying again \(Retry-After\), longer than the (?<left>[0-9.]+) s left of this call's deadline, so it was not retried\.");
        Assert.True(said.Success, error.Message);
        Assert.InRange(double.Parse(said.Groups["left"].Value, System.Globalization.CultureInfo.InvariantCulture), 100, 120);
        Assert.Empty(server.Delays);
    }

    [Fact]
    public async Task A_429_whose_wait_ends_past_the_deadline_says_when_the_next_try_would_have_been()
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client(o => o.TotalTimeout = TimeSpan.FromMinutes(2));
        server.State.Faults.Add(new Fault { Status = 429, RetryAfter = "600", Body = "text" });

        var error = await Assert.ThrowsAsync<QarionRateLimitException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        var said = System.Text.RegularExpressions.Regex.Match(error.Message,
            @"The next try would be in (?<next>[0-9.]+) s \(the server's Retry-After\), past this call's deadline \((?<left>[0-9.]+) s left of 120 s\), so it was not sent again\.");
        Assert.True(said.Success, error.Message);
        Assert.InRange(double.Parse(said.Groups["next"].Value, System.Globalization.CultureInfo.InvariantCulture), 600, 661);
        Assert.InRange(double.Parse(said.Groups["left"].Value, System.Globalization.CultureInfo.InvariantCulture), 100, 120);
        Assert.Empty(server.Delays);
    }

    [Fact]
    public async Task Refusals_without_a_retry_after_back_off_further_each_time_until_the_next_wait_ends_past_the_deadline()
    {
        await using var server = await ServerHarness.StartAsync();
        var retries = new List<QarionRetry>();
        using var client = server.Client(o =>
        {
            o.TotalTimeout = TimeSpan.FromSeconds(60);
            o.RetryBaseDelay = TimeSpan.FromSeconds(4);
            o.MaxRetryDelay = TimeSpan.FromMinutes(1);
            o.OnRetry = retries.Add;
        });
        server.State.Faults.Add(new Fault { Status = 429, Count = 20, Body = "text" });

        var error = await Assert.ThrowsAsync<QarionRateLimitException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        // Backoffs of 4 s × 2^(n-1), each ±50 % (2-6, 4-12, 8-24, 16-48, 32-96 s), each waited out of the
        // deadline: three always fit in 60 s, a fifth never does.
        var said = System.Text.RegularExpressions.Regex.Match(error.Message,
            @"The next try would be in (?<next>[0-9.]+) s, past this call's deadline \((?<left>[0-9.]+) s left of 60 s\), so it was not sent again\.");
        Assert.True(said.Success, error.Message);
        Assert.InRange(retries.Count, 3, 4);
        Assert.InRange(retries[2].Delay.TotalSeconds, 8, 30);
        Assert.All(retries, r => Assert.False(r.FromRetryAfter));
    }

    [Fact]
    public async Task Each_retry_is_announced_with_attempt_reason_and_wait()
    {
        await using var server = await ServerHarness.StartAsync();
        var retries = new List<QarionRetry>();
        using var client = server.Client(o => o.OnRetry = retries.Add);
        server.State.Faults.Add(new Fault { Status = 503, Count = 2, RetryAfter = "3" });

        await client.Connectors.ListAsync(ServerHarness.Space);

        Assert.Equal([1, 2], retries.Select(r => r.Attempt));
        Assert.All(retries, r =>
        {
            Assert.StartsWith("503", r.Reason);
            // The server's wait, with a little jitter added, never taken away.
            Assert.InRange(r.Delay.TotalSeconds, 3, 3.4);
            Assert.True(r.FromRetryAfter);
            Assert.Equal("GET", r.Method);
        });
    }

    [Fact]
    public async Task A_connection_failure_carries_the_cause_from_inside_the_exception_chain()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = new QarionClient(new QarionClientOptions { ApiKey = ServerHarness.Key, BaseUrl = new Uri($"http://127.0.0.1:{port}/"), MaxRetries = 0 });

        var error = await Assert.ThrowsAsync<QarionConnectionException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Contains("Connection refused", error.Message);
    }

    [Fact]
    public async Task The_servers_detail_and_the_advice_are_separate_sentences()
    {
        await using var server = await ServerHarness.StartAsync();
        using var client = server.Client(o => o.MaxRetries = 0);
        server.State.Faults.Add(new Fault { Status = 500 });

        var error = await Assert.ThrowsAsync<QarionServerException>(() => client.Connectors.ListAsync(ServerHarness.Space));

        Assert.Contains("Injected failure 500. Qarion failed", error.Message);
    }
}
