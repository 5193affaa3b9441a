using Qarion.Workflow;

namespace Qarion.Cli;

/// <summary>One command's settings, checked and typed; messages name the command line's options (<see cref="SettingNames.CommandLine"/>).</summary>
internal sealed record CliSettings : IRunContext
{
    public SettingNames Names => SettingNames.CommandLine;

    public string ManifestPath { get; init; } = "";

    /// <summary>The space's slug; empty for a command without one (connector-types).</summary>
    public string Space { get; init; } = "";

    /// <summary>--connector when it is a UUID: taken as the connector's id.</summary>
    public string? ConnectorId { get; init; }

    /// <summary>--connector otherwise: looked up by name in the space, as the task looks up QarionConnectorName.</summary>
    public string? ConnectorName { get; init; }

    public required string ApiKeyEnvironmentVariable { get; init; }

    /// <summary>The key as the environment holds it, trimmed, or null. Never from an argument.</summary>
    public string? ApiKey { get; init; }

    public required Uri ApiUrl { get; init; }

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(Defaults.TimeoutSeconds);

    public int MaxRetries { get; init; } = Defaults.MaxRetries;

    /// <summary>One call's deadline, its retries and rate-limit waits included, as the task makes it: --timeout × (--retries + 1).</summary>
    public TimeSpan CallDeadline => RequestTimeout * (MaxRetries + 1);

    public string DeadlineAdvice => Names.DeadlineAdvice(RequestTimeout, MaxRetries);

    /// <summary>Never the key.</summary>
    public override string ToString() => $"{nameof(CliSettings)} {{ space '{Space}', connector {ConnectorId ?? ConnectorName}, {ApiUrl.GetLeftPart(UriPartial.Path)} }}";
}
