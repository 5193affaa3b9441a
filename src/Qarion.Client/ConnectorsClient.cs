using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Qarion.Client.Http;
using Qarion.Client.Json;

namespace Qarion.Client;

/// <summary>
/// The Connectors resource of a space: <c>/catalog/spaces/{slug}/connectors</c>. Its operations are
/// virtual and it has a protected constructor, so tests can stand in for it (a subclass, Moq, NSubstitute).
/// </summary>
public class ConnectorsClient
{
    private static readonly QarionJsonContext Json = QarionJsonContext.Default;
    private readonly QarionTransport _transport;

    internal ConnectorsClient(QarionTransport transport) => _transport = transport;

    /// <summary>For test doubles: a client with no transport, whose virtual operations a subclass overrides.</summary>
    protected ConnectorsClient() => _transport = null!;

    /// <summary>Every connector in the space.</summary>
    public virtual async Task<IReadOnlyList<Connector>> ListAsync(string spaceSlug, CancellationToken cancellationToken = default)
    {
        var connectors = new List<Connector>();
        await foreach (var connector in EnumerateAsync(spaceSlug, cancellationToken).ConfigureAwait(false))
        {
            connectors.Add(connector);
        }

        return connectors;
    }

    /// <summary>
    /// Every connector in the space, each as it arrives: memory holds one at a time, so a space of any
    /// size can be searched. Reading is bounded in time: RequestTimeout between two reads, TotalTimeout in all.
    /// </summary>
    public virtual async IAsyncEnumerable<Connector> EnumerateAsync(string spaceSlug, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var path = Space(spaceSlug) + "/connectors";
        using var response = await _transport.SendAsync(HttpMethod.Get, path, null, RequestKind.Idempotent, cancellationToken, body: AnswerBody.Streamed).ConfigureAwait(false);
        var options = _transport.Options;
        using var whole = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        whole.CancelAfter(options.TotalTimeout);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(whole.Token);
        Stream stream;
        ListStream list;
        try
        {
            stream = await response.Content.ReadAsStreamAsync(whole.Token).ConfigureAwait(false);
            list = new ListStream(stream);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw BrokeOff(response, ex);
        }

        await using (stream.ConfigureAwait(false))
        {
            // Between two reads the server may be silent for RequestTimeout at most.
            CancellationToken NextRead(CancellationToken _)
            {
                idle.CancelAfter(options.RequestTimeout);
                return idle.Token;
            }

            var entries = list.ReadAsync(Json.Connector, NextRead, whole.Token).GetAsyncEnumerator(whole.Token);
            try
            {
                while (true)
                {
                    try
                    {
                        if (!await entries.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                    catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw new QarionTimeoutException(
                            $"GET /{path} answered {(int)response.StatusCode}, then its list stalled (no byte for {options.RequestTimeout.TotalSeconds:0.#} s, or not complete within {options.TotalTimeout.TotalSeconds:0.#} s).",
                            new QarionErrorContext(response.StatusCode, null, null, "GET", "/" + path), ex);
                    }
                    catch (JsonException ex)
                    {
                        // Scrubbed before it is cut, so no part of an echoed key survives at the cut.
                        var start = _transport.Scrubber.Scrub(list.Beginning);
                        throw Unexpected(response, $"a body that could not be read as a list ({ex.Message}); it starts: {ServerText.Neutralize(start[..Math.Min(start.Length, 200)])}");
                    }
                    catch (Exception ex) when (ex is HttpRequestException or IOException)
                    {
                        throw BrokeOff(response, ex);
                    }

                    yield return entries.Current;
                }
            }
            finally
            {
                await entries.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private QarionConnectionException BrokeOff(HttpResponseMessage response, Exception ex) => new(
        _transport.Scrubber.Scrub($"GET {response.RequestMessage?.RequestUri?.AbsolutePath} answered {(int)response.StatusCode}, then the connection broke off while the list was read: {QarionTransport.Flatten(ex)}."),
        new QarionErrorContext(response.StatusCode, null, null, "GET", response.RequestMessage?.RequestUri?.AbsolutePath), ex);

    /// <summary>The connector types the platform offers (<c>GET /connector-types</c>; not tied to a space).</summary>
    public virtual async Task<IReadOnlyList<ConnectorTypeInfo>> ListTypesAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _transport.SendAsync(HttpMethod.Get, "connector-types", null, RequestKind.Idempotent, cancellationToken).ConfigureAwait(false);
        return (await ReadListAsync(response, Json.ListConnectorTypeInfo, cancellationToken).ConfigureAwait(false)).Items;
    }

    /// <summary>One connector of the space, by id. Throws <see cref="QarionNotFoundException"/> when there is none.</summary>
    public virtual async Task<Connector> GetAsync(string spaceSlug, string connectorId, CancellationToken cancellationToken = default)
    {
        using var response = await _transport.SendAsync(HttpMethod.Get, One(spaceSlug, connectorId), null, RequestKind.Idempotent, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, Json.Connector, cancellationToken).ConfigureAwait(false) ?? throw EmptyBody("GET", One(spaceSlug, connectorId));
    }

    /// <summary>Creates a connector of any type (an open set: <c>dbt_manifest</c>, <c>postgres</c>, …).</summary>
    public virtual Task<Connector> CreateAsync(string spaceSlug, string name, string connectorType, CancellationToken cancellationToken = default) =>
        CreateAsync(spaceSlug, new ConnectorCreate(name, connectorType), cancellationToken);

    /// <summary>Creates a connector with config, source system, credentials and any extra fields.</summary>
    public virtual async Task<Connector> CreateAsync(string spaceSlug, ConnectorCreate connector, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connector);
        if (string.IsNullOrWhiteSpace(connector.Name) || string.IsNullOrWhiteSpace(connector.ConnectorType))
        {
            throw new ArgumentException("A connector needs a name and a connector type.", nameof(connector));
        }

        var path = Space(spaceSlug) + "/connectors";
        var body = JsonSerializer.SerializeToUtf8Bytes(connector.WithExtraFields(), Json.ConnectorCreate);
        using var response = await _transport.SendAsync(HttpMethod.Post, path, () => JsonBody(body), RequestKind.NotIdempotent, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, Json.Connector, cancellationToken).ConfigureAwait(false) ?? throw EmptyBody("POST", path);
    }

    /// <summary>A partial update: only the fields that are set are sent.</summary>
    public virtual async Task<Connector> UpdateAsync(string spaceSlug, string connectorId, ConnectorUpdate fields, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var path = One(spaceSlug, connectorId);
        var body = JsonSerializer.SerializeToUtf8Bytes(fields, Json.ConnectorUpdate);
        using var response = await _transport.SendAsync(HttpMethod.Patch, path, () => JsonBody(body), RequestKind.Idempotent, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, Json.Connector, cancellationToken).ConfigureAwait(false) ?? throw EmptyBody("PATCH", path);
    }

    /// <summary>Deletes a connector. Sent again after a lost answer, a 404 counts as done.</summary>
    public virtual async Task DeleteAsync(string spaceSlug, string connectorId, CancellationToken cancellationToken = default)
    {
        using var _ = await _transport.SendAsync(HttpMethod.Delete, One(spaceSlug, connectorId), null, RequestKind.Idempotent, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a background metadata sync. The job may carry only an id; follow it with <see cref="WaitForSyncAsync"/>.</summary>
    public virtual async Task<SyncJob> SyncAsync(string spaceSlug, string connectorId, CancellationToken cancellationToken = default)
    {
        using var response = await _transport.SendAsync(HttpMethod.Post, One(spaceSlug, connectorId) + "/sync", null, RequestKind.NotIdempotent, cancellationToken, body: AnswerBody.Accepted).ConfigureAwait(false);
        return await ReadAcceptedAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The job in an accepted answer: its status is the success, so a body that cannot be read as a job
    /// (none, cut off, too large, not JSON) is a job with no id, never a failure of what the server took.
    /// </summary>
    private async Task<SyncJob> ReadAcceptedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadAsync(response, Json.SyncJob, cancellationToken).ConfigureAwait(false) ?? new SyncJob();
        }
        catch (QarionException)
        {
            return new SyncJob();
        }
    }

    /// <summary>
    /// Uploads a dbt <c>manifest.json</c>, which starts a sync. Throws <see cref="FileNotFoundException"/>
    /// before any request when the file is missing. The file is streamed, never held whole in memory.
    /// </summary>
    public virtual Task<DbtManifestUploadResult> UploadDbtManifestAsync(string spaceSlug, string connectorId, string filePath, CancellationToken cancellationToken = default) =>
        UploadDbtManifestAsync(spaceSlug, connectorId, filePath, new DbtManifestUploadOptions(), cancellationToken);

    /// <summary>The upload with a connector id as a <see cref="Guid"/> and the file as a <see cref="FileInfo"/>.</summary>
    public virtual Task<DbtManifestUploadResult> UploadDbtManifestAsync(
        string spaceSlug, Guid connectorId, FileInfo file, DbtManifestUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        return UploadDbtManifestAsync(spaceSlug, Id(connectorId), file.FullName, options ?? new DbtManifestUploadOptions(), cancellationToken);
    }

    /// <summary>One connector, by a <see cref="Guid"/> id.</summary>
    public virtual Task<Connector> GetAsync(string spaceSlug, Guid connectorId, CancellationToken cancellationToken = default) =>
        GetAsync(spaceSlug, Id(connectorId), cancellationToken);

    /// <summary>A partial update, by a <see cref="Guid"/> id.</summary>
    public virtual Task<Connector> UpdateAsync(string spaceSlug, Guid connectorId, ConnectorUpdate fields, CancellationToken cancellationToken = default) =>
        UpdateAsync(spaceSlug, Id(connectorId), fields, cancellationToken);

    /// <summary>Deletes a connector, by a <see cref="Guid"/> id.</summary>
    public virtual Task DeleteAsync(string spaceSlug, Guid connectorId, CancellationToken cancellationToken = default) =>
        DeleteAsync(spaceSlug, Id(connectorId), cancellationToken);

    /// <summary>Starts a sync, by a <see cref="Guid"/> id.</summary>
    public virtual Task<SyncJob> SyncAsync(string spaceSlug, Guid connectorId, CancellationToken cancellationToken = default) =>
        SyncAsync(spaceSlug, Id(connectorId), cancellationToken);

    /// <summary>
    /// Every job of the space's sync history, page after page (100 a page), as it is read: stops when a
    /// page is empty, or the server's total is reached, or at <paramref name="maxPages"/>.
    /// </summary>
    public virtual async IAsyncEnumerable<SyncJob> GetAllSyncHistoryAsync(
        string spaceSlug, int maxPages = 1000, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var seen = 0;
        for (var page = 1; page <= maxPages; page++)
        {
            var history = await GetSyncHistoryAsync(spaceSlug, page, 100, cancellationToken).ConfigureAwait(false);
            foreach (var job in history.Items)
            {
                yield return job;
            }

            seen += history.Items.Count;
            if (history.Items.Count == 0 || (history.Total is { } total && seen >= total) || (history.Total is null && history.Items.Count < 100))
            {
                yield break;
            }
        }
    }

    private static string Id(Guid id) => id.ToString("D");

    /// <summary>
    /// The upload with options: with <see cref="DbtManifestUploadOptions.CreateInspector"/>, every chunk is
    /// inspected before it is sent, and an inspector's exception stops the request before the file's last
    /// byte and reaches the caller as it was thrown. A local file that cannot be read, or changes size
    /// while it is sent, throws <see cref="QarionFileException"/>.
    /// </summary>
    public virtual async Task<DbtManifestUploadResult> UploadDbtManifestAsync(
        string spaceSlug, string connectorId, string filePath, DbtManifestUploadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Before any request: a missing file (FileNotFoundException, as the Python SDK), a directory, a link to nothing.
        var file = ManifestFile.Find(filePath);
        var path = One(spaceSlug, connectorId) + "/dbt-manifest";
        ManifestFileContent? sent = null;
        HttpContent Body()
        {
            sent = new ManifestFileContent(file, options.CreateInspector?.Invoke());
            sent.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var multipart = new MultipartFormDataContent { { sent, "file", "manifest.json" } };
            return multipart;
        }

        HttpResponseMessage answer;
        try
        {
            answer = await _transport.SendAsync(HttpMethod.Post, path, Body, RequestKind.NotIdempotent, cancellationToken, file.Length, AnswerBody.Accepted).ConfigureAwait(false);
        }
        catch (UploadStoppedException stopped)
        {
            // The host's inspector stopped the upload: its own exception, with its own stack.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(stopped.InnerException!).Throw();
            throw;
        }

        using var response = answer;
        var job = await ReadAcceptedAsync(response, cancellationToken).ConfigureAwait(false);
        return new DbtManifestUploadResult(job, file.Length, sent?.TransferTime ?? TimeSpan.Zero);
    }

    /// <summary>One page of the space's sync history (all connectors), newest first as the server orders it.</summary>
    public virtual async Task<SyncHistoryPage> GetSyncHistoryAsync(string spaceSlug, int page = 1, int size = 100, CancellationToken cancellationToken = default)
    {
        var path = $"{Space(spaceSlug)}/sync-history?page={page}&size={size}";
        using var response = await _transport.SendAsync(HttpMethod.Get, path, null, RequestKind.Idempotent, cancellationToken).ConfigureAwait(false);
        var list = await ReadListAsync(response, Json.ListSyncJob, cancellationToken).ConfigureAwait(false);
        return new SyncHistoryPage(list.Items, list.Total, list.Page ?? page, list.Size);
    }

    /// <summary>
    /// Polls the sync history until the job succeeds or fails, and returns its final state (a failed
    /// job is returned, not thrown). <see cref="SyncWaitOptions.Timeout"/> bounds the whole wait, each
    /// poll included; a poll that fails transiently (5xx, 429, a timeout, a dropped connection) is
    /// tried again within it, and only 401, 403 or 404 end the wait early. Throws
    /// <see cref="QarionSyncTimeoutException"/> when the deadline passes.
    /// </summary>
    public virtual async Task<SyncJob> WaitForSyncAsync(string spaceSlug, string jobId, SyncWaitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        options ??= new SyncWaitOptions();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var nextReport = options.ProgressInterval;
        SyncJob? lastSeen = null;
        QarionException? lastError = null;
        while (true)
        {
            var left = options.Timeout - clock.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw SyncTimeout(spaceSlug, jobId, options, lastSeen, lastError);
            }

            // A stalled history endpoint must not stretch the wait: the poll gets only what is left of it.
            using (var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                poll.CancelAfter(left);
                try
                {
                    lastSeen = await FindJobAsync(spaceSlug, jobId, options.MaxPages, poll.Token).ConfigureAwait(false) ?? lastSeen;
                    lastError = null;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw SyncTimeout(spaceSlug, jobId, options, lastSeen, lastError);
                }
                catch (QarionException ex) when (!IsPermanent(ex))
                {
                    lastError = ex;
                }
            }

            if (lastSeen is not null && lastSeen.State != SyncJobState.InProgress)
            {
                return lastSeen;
            }

            if (options.Progress is { } progress && clock.Elapsed >= nextReport)
            {
                progress(new SyncWaitProgress(clock.Elapsed, lastSeen, lastError));
                nextReport = clock.Elapsed + options.ProgressInterval;
            }

            var pause = options.PollInterval < options.Timeout - clock.Elapsed ? options.PollInterval : options.Timeout - clock.Elapsed;
            if (pause > TimeSpan.Zero)
            {
                await _transport.Options.Delay(pause, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Failures that polling again cannot mend: the key, the right to the space, the space itself.</summary>
    private static bool IsPermanent(QarionException exception) =>
        exception is QarionAuthenticationException or QarionPermissionDeniedException or QarionNotFoundException or QarionConfigurationException;

    private static QarionSyncTimeoutException SyncTimeout(string spaceSlug, string jobId, SyncWaitOptions options, SyncJob? lastSeen, QarionException? lastError)
    {
        var state = lastSeen is null ? "it never appeared in the sync history" : $"its last status was '{lastSeen.Status ?? "(none)"}'";
        var failing = lastError is null ? "" : $" The last look at the sync history failed: {lastError.Message}";
        return new QarionSyncTimeoutException(
            $"Sync job {jobId} in space '{spaceSlug}' did not finish within {options.Timeout.TotalSeconds:0.#} s; {state}.{failing} " +
            "It may still finish: look at the space's sync history, or wait longer.",
            new QarionErrorContext(null, null, null, "GET", "/" + Space(spaceSlug) + "/sync-history"),
            lastSeen);
    }

    private async Task<SyncJob?> FindJobAsync(string spaceSlug, string jobId, int maxPages, CancellationToken cancellationToken)
    {
        for (var page = 1; page <= maxPages; page++)
        {
            var history = await GetSyncHistoryAsync(spaceSlug, page, 100, cancellationToken).ConfigureAwait(false);
            var job = history.Items.FirstOrDefault(j => string.Equals(j.Id, jobId, StringComparison.OrdinalIgnoreCase));
            if (job is not null)
            {
                return job;
            }

            var seen = (page - 1) * 100 + history.Items.Count;
            if (history.Items.Count == 0 || history.Total is null || seen >= history.Total)
            {
                return null;
            }
        }

        return null;
    }

    private static string Space(string spaceSlug) => "catalog/spaces/" + PathSegment.Escape(spaceSlug, nameof(spaceSlug));

    private static string One(string spaceSlug, string connectorId) =>
        Space(spaceSlug) + "/connectors/" + PathSegment.Escape(connectorId, nameof(connectorId));

    private static ByteArrayContent JsonBody(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private async Task<T?> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var bytes = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : Deserialize(bytes, type, response);
    }

    /// <summary>A bare array, <c>{"items": [...]}</c> or a full page envelope: all are accepted (Qarion's docs show more than one list shape).</summary>
    private async Task<ListAnswer<T>> ReadListAsync<T>(
        HttpResponseMessage response, JsonTypeInfo<List<T>> type, CancellationToken cancellationToken)
    {
        var bytes = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return new ListAnswer<T>([]);
        }

        var root = Deserialize(bytes, Json.JsonElement, response);
        if (root.ValueKind == JsonValueKind.Array)
        {
            return new ListAnswer<T>(Entries(root, type));
        }

        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
        {
            return new ListAnswer<T>(Entries(items, type), Int(root, "total"), Int(root, "page"), Int(root, "size"));
        }

        throw Unexpected(response, $"a JSON {root.ValueKind} where a list (an array or {{\"items\": [...]}}) was expected");
    }

    /// <summary>
    /// A list answer: its entries, and the envelope's counts when it came in one. A class, not a tuple: the
    /// asynchronous plumbing for reference types comes precompiled, where a value type is compiled on first use.
    /// </summary>
    private sealed record ListAnswer<T>(List<T> Items, int? Total = null, int? Page = null, int? Size = null);

    /// <summary>The entries that are objects; anything else in a list (a number, a string) cannot be a model and is skipped.</summary>
    private static List<T> Entries<T>(JsonElement array, JsonTypeInfo<List<T>> type) =>
        (array.Deserialize(type) ?? []).Where(entry => entry is not null).ToList();

    /// <summary>The body, or null when it is empty: a 2xx may come without one.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty ? null : bytes;
    }

    private static int? Int(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && TolerantValues.Int(value, out var n) ? n : null;

    private T? Deserialize<T>(byte[] bytes, JsonTypeInfo<T> type, HttpResponseMessage response)
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, type);
        }
        catch (JsonException ex)
        {
            // Scrubbed before it is cut, so no part of an echoed key survives at the cut.
            var text = _transport.Scrubber.Scrub(Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 16 * 1024)));
            var start = text[..Math.Min(text.Length, 200)].ReplaceLineEndings(" ");
            throw Unexpected(response, $"a body that could not be read as JSON ({ex.Message}); it starts: {start}");
        }
    }

    private QarionException Unexpected(HttpResponseMessage response, string what)
    {
        var request = response.RequestMessage;
        var path = request?.RequestUri?.AbsolutePath;
        return new QarionException(
            _transport.Scrubber.Scrub($"{request?.Method} {path} answered {(int)response.StatusCode} with {what}. A proxy may have answered instead of Qarion, or the API changed."),
            new QarionErrorContext(response.StatusCode, null, null, request?.Method.Method, path));
    }

    private static QarionException EmptyBody(string method, string path) =>
        new($"{method} /{path} answered with an empty body where a connector was expected.",
            new QarionErrorContext(null, null, null, method, "/" + path));
}
