using System.CommandLine;
using System.Globalization;
using Qarion.Cli.Output;
using Qarion.Client;
using Qarion.Workflow;

namespace Qarion.Cli;

/// <summary>
/// One command being carried out: its options read and checked (coded errors in the command line's
/// words), the client made as the task makes it, the connector resolved as the task resolves it.
/// </summary>
internal sealed class Invocation
{
    private readonly ParseResult _parsed;
    private readonly CliHost _host;

    public Invocation(ParseResult parsed, CliHost host)
    {
        _parsed = parsed;
        _host = host;
        Terminal = new Terminal(host, CommonOptions.Format(parsed));
        // Read before anything can fail, so every line this run prints can be scrubbed of it.
        KeyVariable = Blank(parsed.GetValue(CommonOptions.ApiKeyEnv)) ?? Defaults.ApiKeyEnvironmentVariable;
        ApiKey = Blank(host.GetEnvironmentVariable(KeyVariable));
        Terminal.Hide(ApiKey);
    }

    public Terminal Terminal { get; }

    public string KeyVariable { get; }

    public string? ApiKey { get; }

    /// <summary>The settings as far as they were read; failures before that are described in these words.</summary>
    public CliSettings? Settings { get; private set; }

    public T? Value<T>(Option<T> option) => _parsed.GetValue(option);

    /// <summary>The command's settings: a space unless the command has none, the connector when it needs one.</summary>
    public CliSettings Read(bool space = true, bool connector = false, string manifestPath = "")
    {
        var settings = new CliSettings
        {
            ApiKeyEnvironmentVariable = KeyVariable,
            ApiKey = ApiKey,
            ApiUrl = ApiUrl(),
            ManifestPath = manifestPath,
            RequestTimeout = TimeSpan.FromSeconds(Number("--timeout", Value(CommonOptions.Timeout), Defaults.TimeoutSeconds, 0.001, 86_400)),
            MaxRetries = (int)Number("--retries", Value(CommonOptions.Retries), Defaults.MaxRetries, 0, 20),
        };
        Settings = settings;
        if (space)
        {
            var slug = Blank(Value(CommonOptions.Space)) ?? Blank(_host.GetEnvironmentVariable(CommonOptions.SpaceVariable));
            if (slug is null)
            {
                throw UploadFailure.Config(Codes.SpaceMissing,
                    $"No space given: pass --space with the slug of the Qarion space (as in its URL, e.g. marketing-analytics), or set {CommonOptions.SpaceVariable}.");
            }

            settings = settings with { Space = slug };
        }

        if (connector)
        {
            var given = Blank(Value(CommonOptions.Connector));
            if (given is null)
            {
                throw UploadFailure.Config(Codes.ConnectorChoice,
                    "No connector given: pass --connector with the connector's id (a UUID) or its name in the space. `qarion connectors list` shows both.");
            }

            settings = Guid.TryParse(given, out _) ? settings with { ConnectorId = given } : settings with { ConnectorName = given };
        }

        Settings = settings;
        return settings;
    }

    /// <summary>--api-url, else QARION_BASE_URL, else Qarion's own; a refusal names where the URL came from.</summary>
    private Uri ApiUrl() => Blank(Value(CommonOptions.ApiUrl)) is { } given
        ? ApiAddress.Parse(given, SettingNames.CommandLine)
        : ApiAddress.Parse(Blank(_host.GetEnvironmentVariable(CommonOptions.BaseUrlVariable)), SettingNames.CommandLine with { ApiUrl = CommonOptions.BaseUrlVariable });

    /// <summary>The wait for a sync job, from --wait-timeout.</summary>
    public TimeSpan WaitTimeout() => TimeSpan.FromSeconds(Number("--wait-timeout", Value(CommonOptions.WaitTimeout), Defaults.SyncTimeoutSeconds, 0.001, 7 * 86_400));

    /// <summary>A client made as the task makes one: the key checked, retries and the shared rate-limit pacing on, notes on standard error.</summary>
    public QarionClient Client(CliSettings settings)
    {
        var options = new QarionClientOptions
        {
            ApiKey = ClientKey.Require(settings.ApiKey, settings),
            BaseUrl = settings.ApiUrl,
            RequestTimeout = settings.RequestTimeout,
            MaxRetries = settings.MaxRetries,
            TotalTimeout = settings.CallDeadline,
            // The same budget as the builds on this machine that use the key.
            SharedRateLimitDirectory = Path.Combine(Path.GetTempPath(), "qarion-build"),
            UserAgent = "qarion/" + typeof(Invocation).Assembly.GetName().Version?.ToString(3),
            OnPacing = pacing => Terminal.Note(CallLines.Pacing(pacing)),
            OnRetry = retry => Terminal.Note(CallLines.Retrying(retry)),
        };
        _host.ConfigureClient?.Invoke(options);
        return new QarionClient(options);
    }

    /// <summary>The connector's id and name: an id as given, a name looked up in the space.</summary>
    public Task<(string Id, string Name)> ConnectorAsync(QarionClient client, CliSettings settings, CancellationToken cancellationToken) =>
        ConnectorResolver.ResolveAsync(client, settings, cancellationToken);

    private static double Number(string option, double? value, double fallback, double min, double max)
    {
        if (value is not { } given)
        {
            return fallback;
        }

        if (double.IsNaN(given) || given < min || given > max)
        {
            throw UploadFailure.Config(Codes.BadNumber, string.Create(CultureInfo.InvariantCulture, $"{option} is {given}; it must be a number from {min} to {max}."));
        }

        return given;
    }

    /// <summary>An option's or a variable's text, trimmed, or null when it holds nothing.</summary>
    internal static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
