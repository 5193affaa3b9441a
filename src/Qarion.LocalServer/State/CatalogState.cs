using System.Text.Json.Nodes;
using Qarion.LocalServer.Hosting;

namespace Qarion.LocalServer.State;

/// <summary>Everything the server holds, in memory. One lock: the server is for tests and demos, not for load.</summary>
public sealed class CatalogState
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<JsonObject>> _connectors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _credentials = new(StringComparer.Ordinal);
    private readonly List<ServerSyncJob> _jobs = [];
    private readonly List<ReceivedUpload> _uploads = [];
    private readonly List<RecordedRequest> _requests = [];

    public CatalogState(LocalServerOptions options)
    {
        OddShapes = options.OddShapes;
        Options = options;
        foreach (var space in options.Spaces.Concat(options.Connectors.Select(c => c.Space)))
        {
            AddSpace(space);
        }

        foreach (var seed in options.Connectors)
        {
            // Seeds may repeat a name on purpose: that is how an ambiguous name is set up.
            Insert(seed.Space, NewConnector(seed.Name, seed.ConnectorType, seed.Id));
        }
    }

    public LocalServerOptions Options { get; }

    public FaultPlan Faults { get; } = new();

    /// <summary>When set, every new sync job fails with this message (a catalog-side failure, e.g. expired warehouse credentials).</summary>
    public string? ForcedSyncFailure { get; set; }

    /// <summary>The shape of the connector list: "array" (as documented) or "items".</summary>
    public string ConnectorListShape { get; set; } = "array";

    /// <summary>Answer with legal but unexpected field types and list entries (<see cref="OddShapes"/>).</summary>
    public bool OddShapes { get; set; }

    /// <summary>A connector as the server shows it.</summary>
    public JsonObject Show(JsonObject connector) => OddShapes ? State.OddShapes.Connector(connector) : connector;

    /// <summary>A sync job as the server shows it.</summary>
    public JsonObject Show(ServerSyncJob job) => OddShapes ? State.OddShapes.Job(job.ToJson()) : job.ToJson();

    /// <summary>The shape of the sync history: "page" (envelope), "items" or "array".</summary>
    public string SyncHistoryShape { get; set; } = "page";

    private void AddSpace(string slug)
    {
        lock (_gate)
        {
            _connectors.TryAdd(slug, []);
        }
    }

    public bool HasSpace(string slug)
    {
        lock (_gate)
        {
            return _connectors.ContainsKey(slug);
        }
    }

    public IReadOnlyList<JsonObject> ListConnectors(string space)
    {
        lock (_gate)
        {
            return _connectors[space].Select(c => (JsonObject)c.DeepClone()).ToList();
        }
    }

    public JsonObject? FindConnector(string space, string id)
    {
        lock (_gate)
        {
            return Find(space, id)?.DeepClone() as JsonObject;
        }
    }

    /// <summary>Adds a connector; null when another one in the space has the same name.</summary>
    public JsonObject? CreateConnector(string space, JsonObject body)
    {
        lock (_gate)
        {
            var name = body["name"]!.GetValue<string>();
            if (NameTaken(space, name, exceptId: null))
            {
                return null;
            }

            var connector = NewConnector(name, body["connector_type"]!.GetValue<string>(), null);
            foreach (var (key, value) in body)
            {
                if (key is "id" or "created_at" or "credentials" or "product_count" or "last_sync")
                {
                    continue;
                }

                connector[key] = value?.DeepClone();
            }

            connector["config"] ??= new JsonObject();
            if (body["credentials"] is JsonObject credentials)
            {
                _credentials[connector["id"]!.GetValue<string>()] = (JsonObject)credentials.DeepClone();
            }

            Insert(space, connector);
            return (JsonObject)connector.DeepClone();
        }
    }

    public enum UpdateOutcome { Updated, NotFound, NameTaken }

    public (UpdateOutcome Outcome, JsonObject? Connector) UpdateConnector(string space, string id, JsonObject fields)
    {
        lock (_gate)
        {
            var connector = Find(space, id);
            if (connector is null)
            {
                return (UpdateOutcome.NotFound, null);
            }

            if (fields["name"] is JsonValue name && NameTaken(space, name.GetValue<string>(), id))
            {
                return (UpdateOutcome.NameTaken, null);
            }

            foreach (var (key, value) in fields)
            {
                if (key is "id" or "created_at")
                {
                    continue;
                }

                if (key == "credentials")
                {
                    if (value is JsonObject credentials)
                    {
                        _credentials[id] = (JsonObject)credentials.DeepClone();
                    }

                    continue;
                }

                connector[key] = value?.DeepClone();
            }

            return (UpdateOutcome.Updated, (JsonObject)connector.DeepClone());
        }
    }

    public bool DeleteConnector(string space, string id)
    {
        lock (_gate)
        {
            _credentials.Remove(id);
            return _connectors[space].RemoveAll(c => Id(c) == id) > 0;
        }
    }

    /// <summary>Credentials are stored but never echoed; tests read them here.</summary>
    public JsonObject? CredentialsOf(string id)
    {
        lock (_gate)
        {
            return _credentials.TryGetValue(id, out var c) ? (JsonObject)c.DeepClone() : null;
        }
    }

    public ServerSyncJob AddJob(string space, string connectorId, ManifestSummary? manifest, string? failure)
    {
        lock (_gate)
        {
            var job = new ServerSyncJob(Guid.NewGuid().ToString(), space, connectorId, DateTimeOffset.UtcNow, manifest, failure ?? ForcedSyncFailure);
            if (manifest is not null && job.Failure is null)
            {
                var first = !_jobs.Any(j => j.ConnectorId == connectorId && j.Manifest is not null && j.Failure is null);
                job.TablesAdded = first ? manifest.Nodes + manifest.Sources : 0;
                job.TablesUpdated = first ? 0 : manifest.Nodes + manifest.Sources;
            }

            _jobs.Add(job);
            return job;
        }
    }

    /// <summary>The last manifest that synced successfully for a connector, if any.</summary>
    public ManifestSummary? LastManifest(string connectorId)
    {
        lock (_gate)
        {
            return _jobs.LastOrDefault(j => j.ConnectorId == connectorId && j.Manifest is not null && j.Failure is null)?.Manifest;
        }
    }

    public IReadOnlyList<ServerSyncJob> Jobs(string space)
    {
        lock (_gate)
        {
            return _jobs.Where(j => j.Space == space).Reverse().ToList();
        }
    }

    public void Advance(ServerSyncJob job, string status)
    {
        lock (_gate)
        {
            job.Status = status;
            var now = DateTimeOffset.UtcNow;
            if (status == "running")
            {
                job.StartedAt = now;
            }
            else if (status is "succeeded" or "failed")
            {
                job.FinishedAt = now;
                if (status == "succeeded" && Find(job.Space, job.ConnectorId) is { } connector)
                {
                    connector["last_sync"] = now.ToString("O");
                    connector["product_count"] = job.TablesAdded + job.TablesUpdated;
                }
            }
        }
    }

    public void RecordUpload(ReceivedUpload upload)
    {
        lock (_gate)
        {
            _uploads.Add(upload);
        }
    }

    public IReadOnlyList<ReceivedUpload> Uploads
    {
        get
        {
            lock (_gate)
            {
                return _uploads.ToList();
            }
        }
    }

    private readonly List<AbortedUpload> _aborted = [];

    public void RecordAbortedUpload(AbortedUpload upload)
    {
        lock (_gate)
        {
            _aborted.Add(upload);
        }
    }

    /// <summary>Uploads that ended before the file part was complete, with the bytes that did arrive.</summary>
    public IReadOnlyList<AbortedUpload> AbortedUploads
    {
        get
        {
            lock (_gate)
            {
                return _aborted.ToList();
            }
        }
    }

    private int _started;

    /// <summary>API requests that have begun (recorded ones have also ended): lets a test act while one is in flight.</summary>
    public int RequestsStarted => Volatile.Read(ref _started);

    public void RequestStarted() => Interlocked.Increment(ref _started);

    public void RecordRequest(RecordedRequest request)
    {
        lock (_gate)
        {
            _requests.Add(request);
        }
    }

    /// <summary>Every API request seen (not the /_local control calls), in order of completion.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToList();
            }
        }
    }

    private JsonObject? Find(string space, string id) =>
        _connectors.TryGetValue(space, out var list) ? list.FirstOrDefault(c => Id(c) == id) : null;

    private bool NameTaken(string space, string name, string? exceptId) =>
        _connectors[space].Any(c => Id(c) != exceptId && string.Equals(c["name"]?.GetValue<string>(), name, StringComparison.OrdinalIgnoreCase));

    private void Insert(string space, JsonObject connector)
    {
        lock (_gate)
        {
            _connectors[space].Add(connector);
        }
    }

    private static string Id(JsonObject connector) => connector["id"]!.GetValue<string>();

    private static JsonObject NewConnector(string name, string type, string? id) => new()
    {
        ["id"] = id ?? Guid.NewGuid().ToString(),
        ["name"] = name,
        ["connector_type"] = type,
        ["config"] = new JsonObject(),
        ["is_active"] = true,
        ["product_count"] = 0,
        ["last_sync"] = null,
        ["created_at"] = DateTimeOffset.UtcNow.ToString("O"),
    };
}
