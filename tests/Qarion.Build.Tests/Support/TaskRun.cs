using Qarion.Testing;

namespace Qarion.Build.Tests.Support;

/// <summary>A <see cref="QarionUploadDbtManifest"/> wired to a local server and a recording engine, key in a fake environment.</summary>
public sealed class TaskRun
{
    public TaskRun(ServerHarness server, string manifestPath, string key = ServerHarness.Key)
    {
        Server = server;
        Key = key.Trim();
        Environment = new Dictionary<string, string?> { ["QARION_API_KEY"] = key };
        Task = new QarionUploadDbtManifest
        {
            BuildEngine = Engine,
            ManifestPath = manifestPath,
            Space = ServerHarness.Space,
            ApiUrl = server.Server.Url.ToString(),
            ApiKeyEnvironmentVariable = "QARION_API_KEY",
            SyncPollSeconds = "0.02",
            HelpBase = HelpBase,
            GetEnvironmentVariable = name => Environment.GetValueOrDefault(name),
            ConfigureClient = options => options.Delay = server.RecordDelay,
        };
    }

    /// <summary>The help base the targets would hand the task.</summary>
    public const string HelpBase = "https://docs.example.test/v1/diagnostics.md#";

    public ServerHarness Server { get; }

    /// <summary>The key this run uses, which nothing it logs may contain.</summary>
    public string Key { get; }

    public RecordingBuildEngine Engine { get; } = new();

    public QarionUploadDbtManifest Task { get; }

    public Dictionary<string, string?> Environment { get; }

    /// <summary>The waits the client asked for, recorded by the server harness.</summary>
    public List<TimeSpan> Delays => Server.Delays;

    public bool Execute()
    {
        var result = Task.Execute();
        Assert.Null(KeyForms.FoundIn(Engine.AllText));
        Assert.Null(KeyForms.FoundIn(Engine.AllText, Key));
        return result;
    }

    public string ErrorCode => Assert.Single(Engine.Errors).Code;
}
