using System.Diagnostics;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using System.Reflection;

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
    private readonly RateLimitPacer _pacer;

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
        _pacer = new RateLimitPacer(options.SharedRateLimitDirectory, settings.BaseUrl, settings.ApiKey);
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
        CancellationToken cancellationToken, long? uploadSize = null, AnswerBody body = AnswerBody.Buffered)
    {
        using var activity = Telemetry.StartCall(method, path);
        try
        {
            var response = await SendWithRetriesAsync(method, path, content, kind, cancellationToken, uploadSize, body, activity).ConfigureAwait(false);
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

    /// <summary>The most of a successful answer that is held (connectors and jobs are small; lists are streamed).</summary>
    public const int MaxAnswerBytes = 16 * 1024 * 1024;

    /// <summary>The most of an accepted upload's or sync's answer that is read: a job is a few hundred bytes.</summary>
    private const int MaxAcceptedBytes = 1024 * 1024;

    private async Task<HttpResponseMessage> SendWithRetriesAsync(
        HttpMethod method, string path, Func<HttpContent?>? content, RequestKind kind,
        CancellationToken cancellationToken, long? uploadSize, AnswerBody body, Activity? activity)
    {
        var options = _settings.Options;
        var deadline = new CallDeadline(options.TotalTimeout);
        var displayPath = "/" + path;
        var context = new QarionErrorContext(null, null, null, method.Method, displayPath);
        // Transient failures, bounded by MaxRetries. A 429 is not one: it is waited out within the deadline.
        var failures = 0;
        var refusals = 0;
        var paced = false;
        for (var attempt = 1; ; attempt++)
        {
            activity?.SetTag("qarion.attempts", attempt);
            cancellationToken.ThrowIfCancellationRequested();
            if (!paced)
            {
                await WaitForTheBudgetAsync(deadline, method, displayPath, context, cancellationToken).ConfigureAwait(false);
            }

            paced = false;
            using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // The last attempt gets only what is left of the whole call's deadline.
            var left = deadline.Left;
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
                // The status decides first: a body is read after it, to a bound its purpose sets, within the attempt's timeout.
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptTimeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode && body != AnswerBody.Streamed)
                {
                    try
                    {
                        await BufferAsync(response, body, method, displayPath, context, attemptTimeout.Token).ConfigureAwait(false);
                    }
                    catch
                    {
                        // Gone with its body: a retry must not find it below and return it as the success.
                        response.Dispose();
                        response = null;
                        throw;
                    }
                }
                reason = $"{(int)response.StatusCode} {Scrubber.Scrub(response.ReasonPhrase)}";
                var rate = QarionRateLimit.From(response);
                LastRateLimit = rate ?? LastRateLimit;
                if (response.StatusCode != System.Net.HttpStatusCode.TooManyRequests)
                {
                    _pacer.Observe(rate, null, DateTimeOffset.UtcNow);
                }
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                reason = $"no complete answer within {options.RequestTimeout.TotalSeconds:0.#} s";
                failures++;
                if (budgetCut || kind != RequestKind.Idempotent || !CanRetry(failures, deadline, null, out wait))
                {
                    var advice = budgetCut
                        ? $"Raise TotalTimeout, or check that {_settings.BaseUrl} is reachable."
                        : $"Raise the request timeout (RequestTimeout) for large files or slow links, or check that {_settings.BaseUrl} is reachable.";
                    throw new QarionTimeoutException(budgetCut
                        ? $"{method} {displayPath} got no complete answer within the call's deadline of {options.TotalTimeout.TotalSeconds:0.#} s (attempt {attempt}). {advice}"
                        : $"{method} {displayPath} timed out after {options.RequestTimeout.TotalSeconds:0.#} s with no complete answer (attempt {attempt}). {advice}",
                        context, ex) { Advice = advice };
                }
            }
            catch (HttpRequestException ex)
            {
                if (FindFileProblem(ex) is { } fileProblem)
                {
                    // The file's own problem, with its own stack: never mistaken for the network's.
                    ExceptionDispatchInfo.Capture(fileProblem).Throw();
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellationToken);
                }

                if (_certificates.ProblemWith(ex, request.RequestUri!) is { } certificate)
                {
                    // A certificate does not get better by asking again: never retried.
                    const string trust = "If this server uses a private certificate authority, make this machine trust it; otherwise check the base URL's host name (QarionClientOptions.BaseUrl).";
                    throw new QarionCertificateException(
                        $"{method} {displayPath}: the TLS certificate of {request.RequestUri!.Host} was refused: {certificate}. {trust}",
                        context, ex, request.RequestUri!.Host, certificate) { Advice = trust };
                }

                reason = Flatten(ex);
                failures++;
                if (!RetryPolicy.IsRetryableFailure(ex, kind) || !CanRetry(failures, deadline, null, out wait))
                {
                    var what = ManifestFileContent.CutShort(request.Content)
                        ? $"the connection to {Authority} broke while the manifest was being sent ({reason}); the server (or a proxy before it) may have refused the upload without an answer, or the network failed"
                        : $"got no answer from {Authority}: {reason}";
                    const string check = "Check the base URL (QarionClientOptions.BaseUrl), the network and any proxy.";
                    throw new QarionConnectionException($"{method} {displayPath} {what} (attempt {attempt}). {check}", context, ex) { Advice = check };
                }
            }

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

                    var now = DateTimeOffset.UtcNow;
                    var retryAfter = RetryPolicy.RetryAfter(response, now);
                    fromRetryAfter = retryAfter is not null;
                    string? note = null;
                    if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
                    {
                        // Not processed: come back later. The wait is the server's (or the budget's reset, or a
                        // backoff), shared with every client of the key, and bounded by the deadline alone.
                        refusals++;
                        var asked = retryAfter ?? RetryPolicy.Backoff(refusals, options.RetryBaseDelay, options.MaxRetryDelay);
                        // A wait past the deadline is not waited, nor told to the other clients of the key.
                        var turn = (Wait: asked, Taken: false);
                        if (deadline.Allows(asked))
                        {
                            _pacer.Observe(QarionRateLimit.From(response), asked, now);
                            turn = _pacer.Reserve(now, deadline.Left);
                        }

                        wait = RetryPolicy.Jitter(turn.Wait);
                        if (!turn.Taken || !deadline.Allows(wait.Value))
                        {
                            note = $"The next try would be in {wait.Value.TotalSeconds:0.#} s{(fromRetryAfter ? " (the server's Retry-After)" : "")}, " +
                                   $"past this call's deadline ({Math.Max(0, deadline.Left.TotalSeconds):0.#} s left of {options.TotalTimeout.TotalSeconds:0.#} s), so it was not sent again.";
                        }
                        else
                        {
                            paced = true;
                        }
                    }
                    else if (RetryPolicy.IsRetryableStatus(response, kind))
                    {
                        failures++;
                        if (!CanRetry(failures, deadline, retryAfter, out wait))
                        {
                            if (retryAfter is { } asked && failures <= options.MaxRetries)
                            {
                                note = $"The server asked to wait {asked.TotalSeconds:0.#} s before trying again (Retry-After), longer than the " +
                                       $"{Math.Max(0, deadline.Left.TotalSeconds):0.#} s left of this call's deadline, so it was not retried.";
                            }

                            wait = null;
                        }
                    }

                    if (wait is null || note is not null)
                    {
                        throw await ErrorMapper.FromResponseAsync(
                            response, method.Method, displayPath, Scrubber, attempt, uploadSize, note, attemptTimeout.Token).ConfigureAwait(false);
                    }
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
            await deadline.WaitAsync(options.Delay, wait!.Value, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads a successful answer's body whole, to its bound. A buffered body that is too large is an
    /// error of its own; one that breaks off is a failed attempt (retried like any). An accepted upload's
    /// body that is too large, breaks off or stalls is dropped: the server has the upload.
    /// </summary>
    private static async Task BufferAsync(HttpResponseMessage response, AnswerBody body, HttpMethod method, string displayPath, QarionErrorContext context, CancellationToken cancellationToken)
    {
        var limit = body == AnswerBody.Accepted ? MaxAcceptedBytes : MaxAnswerBytes;
        byte[] bytes;
        try
        {
            if (response.Content.Headers.ContentLength > limit)
            {
                throw new InvalidDataException();
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var held = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (held.Length + read > limit)
                {
                    throw new InvalidDataException();
                }

                held.Write(buffer, 0, read);
            }

            bytes = held.ToArray();
        }
        catch (Exception ex) when (body == AnswerBody.Accepted && ex is InvalidDataException or IOException or HttpRequestException or OperationCanceledException)
        {
            // What follows an accepted status cannot undo the acceptance: the job is then unknown.
            bytes = [];
        }
        catch (IOException ex)
        {
            // The body broke off after the status: a failed attempt, retried as a lost answer is.
            throw new HttpRequestException(HttpRequestError.ResponseEnded, $"the answer broke off after its status line: {ex.Message}", ex);
        }
        catch (InvalidDataException)
        {
            throw new QarionException(
                $"{method} {displayPath} answered {(int)response.StatusCode} with a body larger than {limit / (1024 * 1024)} MB, far more than an answer of this kind holds. A proxy may have answered instead of Qarion.",
                context with { StatusCode = response.StatusCode });
        }

        // Only the bytes are read from here on (the models are parsed from them as UTF-8 JSON, as Qarion
        // sends), so the network's content and its headers go together.
        response.Content.Dispose();
        response.Content = new ByteArrayContent(bytes);
    }

    /// <summary>Before an attempt: with the key's known budget spent, wait for its slot (within the deadline) instead of drawing a 429.</summary>
    private async Task WaitForTheBudgetAsync(CallDeadline deadline, HttpMethod method, string displayPath, QarionErrorContext context, CancellationToken cancellationToken)
    {
        var (turn, taken) = _pacer.Reserve(DateTimeOffset.UtcNow, deadline.Left);
        if (turn <= TimeSpan.Zero)
        {
            return;
        }

        turn = RetryPolicy.Jitter(turn);
        if (!taken || !deadline.Allows(turn))
        {
            const string advice = "Raise TotalTimeout, or lower the request rate of the clients that share this key.";
            throw new QarionRateLimitException(
                $"{method} {displayPath} was not sent: the API key's rate limit is spent (X-RateLimit-Remaining: 0) for the next {turn.TotalSeconds:0.#} s, " +
                $"past this call's deadline ({Math.Max(0, deadline.Left.TotalSeconds):0.#} s left of {_settings.Options.TotalTimeout.TotalSeconds:0.#} s). {advice}",
                context, turn) { Advice = advice, RateLimit = LastRateLimit };
        }

        _settings.Options.OnPacing?.Invoke(new QarionPacing(method.Method, displayPath, turn));
        Telemetry.Waits.Record(turn.TotalSeconds);
        await deadline.WaitAsync(_settings.Options.Delay, turn, cancellationToken).ConfigureAwait(false);
    }

    private string Authority => _settings.BaseUrl.GetLeftPart(UriPartial.Authority);

    /// <summary>A redirect is reported, never followed: the key is sent only to the configured base URL.</summary>
    private QarionException Redirected(HttpResponseMessage response, HttpMethod method, string displayPath, QarionErrorContext context)
    {
        var location = response.Headers.Location is { } target ? new Uri(response.RequestMessage!.RequestUri!, target).AbsoluteUri : "(no Location given)";
        const string advice = "Set the base URL (QarionClientOptions.BaseUrl) to the address the server redirects to.";
        return new QarionException(
            Scrubber.Scrub($"{method} {displayPath} was redirected ({(int)response.StatusCode} {response.ReasonPhrase}) to {location}. " +
                           $"The client does not follow redirects, so the API key goes only to the configured base URL. {advice}"),
            context with { StatusCode = response.StatusCode }) { Advice = advice };
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

    /// <summary>Whether the <paramref name="failures"/>th transient failure may be retried, and after how long.</summary>
    private bool CanRetry(int failures, CallDeadline deadline, TimeSpan? retryAfter, out TimeSpan? wait)
    {
        var options = _settings.Options;
        wait = retryAfter is { } asked ? RetryPolicy.Jitter(asked) : RetryPolicy.Backoff(failures, options.RetryBaseDelay, options.MaxRetryDelay);
        return failures <= options.MaxRetries && deadline.Allows(wait.Value);
    }

    /// <summary>What the reading side of an upload decided (the local file, or the host's inspector), found below the network's wrapping.</summary>
    private static Exception? FindFileProblem(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is UploadStoppedException stopped)
            {
                return stopped.InnerException;
            }

            if (e is QarionFileException found)
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
