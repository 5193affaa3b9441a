using Qarion.Client;
using Qarion.LocalServer.Hosting;
using Qarion.LocalServer.State;

namespace Qarion.Testing;

/// <summary>A fresh local server on 127.0.0.1 and a client pointed at it; waits between retries are recorded, not slept.</summary>
public sealed class ServerHarness : IAsyncDisposable
{
    public const string Key = "test-key-7d1f2c9a-secret";
    public const string Space = "analytics";

    private ServerHarness(LocalQarionServer server) => Server = server;

    public LocalQarionServer Server { get; }

    public CatalogState State => Server.State;

    public List<TimeSpan> Delays { get; } = [];

    public static async Task<ServerHarness> StartAsync(Action<LocalServerOptions>? configure = null)
    {
        var options = new LocalServerOptions { SyncDuration = TimeSpan.FromMilliseconds(60) };
        options.ApiKeys.Add(new ApiKeyGrant(Key, null, false));
        options.Spaces.Add(Space);
        configure?.Invoke(options);
        return new ServerHarness(await LocalQarionServer.StartAsync(options));
    }

    public QarionClient Client(Action<QarionClientOptions>? configure = null)
    {
        var options = new QarionClientOptions
        {
            ApiKey = Key,
            BaseUrl = Server.Url,
            Delay = RecordDelay,
        };
        configure?.Invoke(options);
        return new QarionClient(options);
    }

    /// <summary>The client's wait between attempts and polls: recorded in <see cref="Delays"/>, not slept, still cancellable.</summary>
    public Task RecordDelay(TimeSpan wait, CancellationToken cancellationToken)
    {
        lock (Delays)
        {
            Delays.Add(wait);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
    }

    /// <summary>A connector made through the server's own state, so a test of one method does not lean on another.</summary>
    public string Seed(string name, string type = "dbt_manifest", string space = Space) =>
        State.CreateConnector(space, new System.Text.Json.Nodes.JsonObject { ["name"] = name, ["connector_type"] = type })!["id"]!.GetValue<string>();

    public IReadOnlyList<RecordedRequest> Requests => State.Requests;

    /// <summary>An aborted request is recorded only once the server has noticed the abort: wait for that (10 s at most).</summary>
    public Task WaitForARecordedRequestAsync(int count = 1) => WaitUntilAsync(() => Requests.Count >= count);

    /// <summary>The server records an upload that broke off once it has noticed: wait for that (10 s at most).</summary>
    public Task WaitForAbortedUploadAsync() => WaitUntilAsync(() => State.AbortedUploads.Count > 0);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
