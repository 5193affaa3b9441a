using System.Diagnostics;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using System.Reflection;
using Qarion.Client.Manifests;

namespace Qarion.Client.Http;

/// <summary>Sends one API call: auth, timeouts, retries and the mapping of failures to exceptions.</summary>
internal sealed class QarionTransport : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly QarionSettings _settings;
    private readonly Uri _root;
    private readonly CertificateProblems _certificates = CertificateProblems.Shared;
    private readonly ProductInfoHeaderValue[] _userAgent;

    /// <param name="settings">The checked copy of the options.</param>
    /// <param name="httpClient">The caller's client, used as given and never disposed here; null: the transport makes its own.</param>
    public QarionTransport(QarionSettings settings, HttpClient? httpClient = null)
    {
        _settings = settings;
        var options = settings.Options;
        Scrubber = new SecretScrubber(settings.ApiKey);
        var version = typeof(QarionTransport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        _userAgent = new[] { new ProductInfoHeaderValue("Qarion.Client", version.Split('+')[0]) }
            .Concat(!string.IsNullOrWhiteSpace(options.UserAgent) && ProductInfoHeaderValue.TryParse(options.UserAgent, out var extra) ? [extra] : [])
            .ToArray();
        var text = settings.BaseUrl.AbsoluteUri;
        _root = new Uri(text.EndsWith('/') ? text : text + "/");
        if (httpClient is not null)
        {
            // The host's client (IHttpClientFactory, resilience handlers, a shared pool): the URL, key and headers go on each request.
            _http = httpClient;
            return;
        }

        _ownsHttp = true;
        var handler = options.HttpMessageHandler ?? CreateHandler(settings.BaseUrl);
        _http = new HttpClient(handler, disposeHandler: options.HttpMessageHandler is null)
        {
            // Timeouts are per attempt, enforced below, so they can be told apart from cancellation.
            Timeout = Timeout.InfiniteTimeSpan,
            // Answers are small JSON; this only bounds what a misbehaving proxy can make us hold.
            MaxResponseContentBufferSize = 64 * 1024 * 1024,
        };
    }

    public QarionClientOptions Options => _settings.Options;

    /// <summary>The handler with the client's rules; also the primary handler of the DI registration.</summary>
    public static SocketsHttpHandler CreateHandler(Uri baseUrl) => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        // Plain http is allowed only to this machine: a proxy (HTTP_PROXY) would carry the key off it in clear text.
        UseProxy = baseUrl.Scheme == Uri.UriSchemeHttps,
        // A redirect would resend the request elsewhere; it is reported instead (see Redirected).
        AllowAutoRedirect = false,
        SslOptions = { RemoteCertificateValidationCallback = CertificateProblems.Shared.Validate },
    };

    /// <summary>Masks the key in anything a server sent back.</summary>
    public SecretScrubber Scrubber { get; }

    /// <summary>The rate-limit headers of the last answer that had them.</summary>
    public QarionRateLimit? LastRateLimit { get; private set; }

    /// <summary>
    /// Sends until success or a final failure. <paramref name="content"/> is called once per attempt,
    /// so a body (a file stream) is produced anew for each.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, Func<HttpContent?>? content, RequestKind kind,
        CancellationToken cancellationToken, long? uploadSize = null)
    {
        using var activity = Telemetry.StartCall(method, path);
        try
        {
            var response = await SendWithRetriesAsync(method, path, content, kind, cancellationToken, uploadSize, activity).ConfigureAwait(false);
            activity?.SetTag("http.response.status_code", (int)response.StatusCode);
            return response;
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.SetTag("http.response.status_code", (ex as QarionException)?.StatusCode is { } status ? (int)status : null);
            activity.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
    }

    private async Task<HttpResponseMessage> SendWithRetriesAsync(
        HttpMethod method, string path, Func<HttpContent?>? content, RequestKind kind,
        CancellationToken cancellationToken, long? uploadSize, Activity? activity)
    {
        var options = _settings.Options;
        var clock = Stopwatch.StartNew();
        var displayPath = "/" + path;
        var context = new QarionErrorContext(null, null, null, method.Method, displayPath);
        for (var attempt = 1; ; attempt++)
        {
            activity?.SetTag("qarion.attempts", attempt);
            cancellationToken.ThrowIfCancellationRequested();
            using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // The last attempt gets only what is left of the whole call's budget.
            var left = options.TotalTimeout - clock.Elapsed;
            var budgetCut = left < options.RequestTimeout;
            attemptTimeout.CancelAfter(budgetCut ? (left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1)) : options.RequestTimeout);
            using var request = new HttpRequestMessage(method, new Uri(_root, path)) { Content = content?.Invoke() };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _settings.ApiKey);
            foreach (var product in _userAgent)
            {
                request.Headers.UserAgent.Add(product);
            }
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (uploadSize is not null)
            {
                // A server that refuses the upload (401, 413) says so before the body is sent, and we read it.
                request.Headers.ExpectContinue = true;
            }

            HttpResponseMessage? response = null;
            TimeSpan? wait = null;
            string reason;
            try
            {
                // The whole answer is read within the attempt's timeout, so a server stalling mid-body times out too.
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, attemptTimeout.Token).ConfigureAwait(false);
                reason = $"{(int)response.StatusCode} {Scrubber.Scrub(response.ReasonPhrase)}";
                LastRateLimit = QarionRateLimit.From(response) ?? LastRateLimit;
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                reason = $"no complete answer within {options.RequestTimeout.TotalSeconds:0.#} s";
                if (budgetCut || kind != RequestKind.Idempotent || !CanRetry(attempt, clock, null, out wait))
                {
                    throw new QarionTimeoutException(budgetCut
                        ? $"{method} {displayPath} got no complete answer within the call's time budget of {options.TotalTimeout.TotalSeconds:0.#} s (TotalTimeout; attempt {attempt}). " +
                          $"Raise TotalTimeout, or check that {_settings.BaseUrl} is reachable."
                        : $"{method} {displayPath} timed out after {options.RequestTimeout.TotalSeconds:0.#} s with no complete answer " +
                          $"(attempt {attempt}). Raise the request timeout for large files or slow links, or check that {_settings.BaseUrl} is reachable.",
                        context, ex);
                }
            }
            catch (HttpRequestException ex)
            {
                if (FindManifestProblem(ex) is { } manifestProblem)
                {
                    // The file's own problem, with its own stack: never mistaken for the network's.
                    ExceptionDispatchInfo.Capture(manifestProblem).Throw();
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellationToken);
                }

                if (_certificates.ProblemWith(ex, request.RequestUri!) is { } certificate)
                {
                    // A certificate does not get better by asking again: never retried.
                    throw new QarionCertificateException(
                        $"{method} {displayPath}: the TLS certificate of {request.RequestUri!.Host} was refused: {certificate}. " +
                        "If this server uses a private certificate authority, make this machine trust it (see the README's section \"Private certificate authorities\"); " +
                        "otherwise check QarionApiUrl's host name.",
                        context, ex, request.RequestUri!.Host, certificate);
                }

                reason = Flatten(ex);
                if (!RetryPolicy.IsRetryableFailure(ex, kind) || !CanRetry(attempt, clock, null, out wait))
                {
                    var what = uploadSize is not null && reason.Contains("copying content", StringComparison.OrdinalIgnoreCase)
                        ? $"the connection to {Authority} broke while the manifest was being sent ({reason}); the server (or a proxy before it) may have refused the upload without an answer, or the network failed"
                        : $"got no answer from {Authority}: {reason}";
                    throw new QarionConnectionException(
                        $"{method} {displayPath} {what} (attempt {attempt}). Check QarionApiUrl, the network and any proxy.",
                        context, ex);
                }
            }

            string? note = null;
            var fromRetryAfter = false;
            if (response is not null)
            {
                if (response.IsSuccessStatusCode)
                {
                    return response;
                }

                // A DELETE sent again after a lost answer finds the connector already gone: that is the success it was after.
                if (method == HttpMethod.Delete && attempt > 1 && response.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    return response;
                }

                using (response)
                {
                    if ((int)response.StatusCode is >= 300 and < 400)
                    {
                        throw Redirected(response, method, displayPath, context);
                    }

                    var retryAfter = RetryPolicy.RetryAfter(response, DateTimeOffset.UtcNow);
                    if (!RetryPolicy.IsRetryableStatus(response, kind) || !CanRetry(attempt, clock, retryAfter, out wait))
                    {
                        if (RetryPolicy.IsRetryableStatus(response, kind) && retryAfter is { } asked && clock.Elapsed + asked >= options.TotalTimeout)
                        {
                            var remaining = options.TotalTimeout - clock.Elapsed;
                            note = $"The server asked to wait {asked.TotalSeconds:0.#} s before trying again (Retry-After), longer than the " +
                                   $"{Math.Max(0, remaining.TotalSeconds):0.#} s left of this call's time budget, so it was not retried.";
                        }

                        throw await ErrorMapper.FromResponseAsync(
                            response, method.Method, displayPath, Scrubber, attempt, uploadSize, note, cancellationToken).ConfigureAwait(false);
                    }

                    fromRetryAfter = retryAfter is not null;
                }
            }

            // Every path that reaches here chose to retry, and how long to wait first.
            options.OnRetry?.Invoke(new QarionRetry(method.Method, displayPath, attempt, reason, wait!.Value, fromRetryAfter));
            Telemetry.Retries.Add(1, new KeyValuePair<string, object?>("http.request.method", method.Method));
            Telemetry.Waits.Record(wait!.Value.TotalSeconds);
            activity?.AddEvent(new ActivityEvent("retry", tags: new ActivityTagsCollection
            {
                ["qarion.attempt"] = attempt,
                ["qarion.retry.reason"] = reason,
                ["qarion.retry.delay_s"] = wait.Value.TotalSeconds,
                ["qarion.retry.after"] = fromRetryAfter,
            }));
            await options.Delay(wait!.Value, cancellationToken).ConfigureAwait(false);
        }
    }

    private string Authority => _settings.BaseUrl.GetLeftPart(UriPartial.Authority);

    /// <summary>A redirect is reported, never followed: the key is sent only to the configured base URL.</summary>
    private QarionException Redirected(HttpResponseMessage response, HttpMethod method, string displayPath, QarionErrorContext context)
    {
        var location = response.Headers.Location is { } target ? new Uri(response.RequestMessage!.RequestUri!, target).AbsoluteUri : "(no Location given)";
        return new QarionException(
            Scrubber.Scrub($"{method} {displayPath} was redirected ({(int)response.StatusCode} {response.ReasonPhrase}) to {location}. " +
                           "The client does not follow redirects, so the API key goes only to the configured base URL: " +
                           "set the base URL (QarionApiUrl) to the address the server redirects to."),
            context with { StatusCode = response.StatusCode });
    }

    /// <summary>Every message of an exception's chain, once each: the outer "error while sending" and the cause below it.</summary>
    internal static string Flatten(Exception exception)
    {
        var parts = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            var message = e.Message.Trim().TrimEnd('.');
            if (message.Length > 0 && !parts.Any(p => p.Contains(message, StringComparison.Ordinal)))
            {
                parts.Add(message);
            }
        }

        return string.Join(": ", parts);
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

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }
}
