using System.Diagnostics;
using System.Net.Http.Headers;
using System.Reflection;
using Qarion.Client.Manifests;

namespace Qarion.Client.Http;

/// <summary>Sends one API call: auth, timeouts, retries and the mapping of failures to exceptions.</summary>
internal sealed class QarionTransport : IDisposable
{
    private readonly HttpClient _http;
    private readonly QarionSettings _settings;
    private readonly Uri _root;

    public QarionTransport(QarionSettings settings, QarionClientOptions options)
    {
        _settings = settings;
        Scrubber = new SecretScrubber(settings.ApiKey);
        var handler = options.HttpMessageHandler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            // Plain http is allowed only to this machine: a proxy (HTTP_PROXY) would carry the key off it in clear text.
            UseProxy = settings.BaseUrl.Scheme == Uri.UriSchemeHttps,
        };
        _http = new HttpClient(handler, disposeHandler: options.HttpMessageHandler is null)
        {
            // Timeouts are per attempt, enforced below, so they can be told apart from cancellation.
            Timeout = Timeout.InfiniteTimeSpan,
            // Answers are small JSON; this only bounds what a misbehaving proxy can make us hold.
            MaxResponseContentBufferSize = 64 * 1024 * 1024,
        };
        var version = typeof(QarionTransport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Qarion.Client", version.Split('+')[0]));
        if (!string.IsNullOrWhiteSpace(options.UserAgent) && ProductInfoHeaderValue.TryParse(options.UserAgent, out var extra))
        {
            _http.DefaultRequestHeaders.UserAgent.Add(extra);
        }

        var text = settings.BaseUrl.AbsoluteUri;
        _root = new Uri(text.EndsWith('/') ? text : text + "/");
    }

    public QarionClientOptions Options => _settings.Options;

    /// <summary>Masks the key in anything a server sent back.</summary>
    public SecretScrubber Scrubber { get; }

    /// <summary>
    /// Sends until success or a final failure. <paramref name="content"/> is called once per attempt,
    /// so a body (a file stream) is produced anew for each.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, Func<HttpContent?>? content, RequestKind kind,
        CancellationToken cancellationToken, long? uploadSize = null)
    {
        var options = _settings.Options;
        var clock = Stopwatch.StartNew();
        var displayPath = "/" + path;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attemptTimeout.CancelAfter(options.RequestTimeout);
            using var request = new HttpRequestMessage(method, new Uri(_root, path)) { Content = content?.Invoke() };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _settings.ApiKey);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

            HttpResponseMessage? response = null;
            TimeSpan? wait = null;
            try
            {
                // The whole answer is read within the attempt's timeout, so a server stalling mid-body times out too.
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, attemptTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                if (kind != RequestKind.Idempotent || !CanRetry(attempt, clock, null, out wait))
                {
                    throw new QarionTimeoutException(
                        $"{method} {displayPath} timed out after {options.RequestTimeout.TotalSeconds:0.#} s with no complete answer " +
                        $"(attempt {attempt}). Raise the request timeout for large files or slow links, or check that {_settings.BaseUrl} is reachable.",
                        new QarionErrorContext(null, null, null, method.Method, displayPath), ex);
                }
            }
            catch (HttpRequestException ex)
            {
                if (FindManifestProblem(ex) is { } manifestProblem)
                {
                    throw manifestProblem;
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellationToken);
                }

                if (!RetryPolicy.IsRetryableFailure(ex, kind) || !CanRetry(attempt, clock, null, out wait))
                {
                    throw new QarionConnectionException(
                        $"{method} {displayPath} got no answer from {_settings.BaseUrl.GetLeftPart(UriPartial.Authority)}: {ex.Message} " +
                        $"(attempt {attempt}). Check the URL, the network and any proxy.",
                        new QarionErrorContext(null, null, null, method.Method, displayPath), ex);
                }
            }

            if (response is not null)
            {
                if (response.IsSuccessStatusCode)
                {
                    return response;
                }

                using (response)
                {
                    var retryAfter = RetryPolicy.RetryAfter(response, DateTimeOffset.UtcNow);
                    if (!RetryPolicy.IsRetryableStatus(response, kind) || !CanRetry(attempt, clock, retryAfter, out wait))
                    {
                        throw await ErrorMapper.FromResponseAsync(
                            response, method.Method, displayPath, Scrubber, attempt, uploadSize, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            // Every path that reaches here chose to retry, and how long to wait first.
            await options.Delay(wait!.Value, cancellationToken).ConfigureAwait(false);
        }
    }

    private bool CanRetry(int attempt, Stopwatch clock, TimeSpan? retryAfter, out TimeSpan? wait)
    {
        var options = _settings.Options;
        wait = retryAfter ?? RetryPolicy.Backoff(attempt, options.RetryBaseDelay, options.MaxRetryDelay);
        return attempt <= options.MaxRetries && clock.Elapsed + wait.Value < options.TotalTimeout;
    }

    private static DbtManifestException? FindManifestProblem(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbtManifestException found)
            {
                return found;
            }
        }

        return null;
    }

    public void Dispose() => _http.Dispose();
}
