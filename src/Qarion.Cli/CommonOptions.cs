using System.CommandLine;
using Qarion.Cli.Output;
using Qarion.Workflow;

namespace Qarion.Cli;

/// <summary>The options every command shares, each declared once; the environment variables they fall back to are read in <see cref="Invocation"/>.</summary>
internal static class CommonOptions
{
    public const string SpaceVariable = "QARION_SPACE";
    public const string BaseUrlVariable = Qarion.Client.QarionClientOptions.BaseUrlEnvironmentVariable;

    public static readonly Option<string?> Space = new("--space", "-s")
    {
        Description = $"The space's slug, as in its URL in Qarion. Default: ${SpaceVariable}.",
        HelpName = "slug",
        Recursive = true,
    };

    public static readonly Option<string?> Connector = new("--connector", "-c")
    {
        Description = "The connector: its id (a UUID), or its name in the space, looked up as Qarion.Build looks up QarionConnectorName.",
        HelpName = "id-or-name",
    };

    public static readonly Option<string?> ApiUrl = new("--api-url")
    {
        Description = $"The API's base URL. Default: ${BaseUrlVariable}, else {Qarion.Client.QarionClientOptions.DefaultBaseUrl}. Plain http:// only to this machine.",
        HelpName = "url",
        Recursive = true,
    };

    public static readonly Option<string?> ApiKeyEnv = new("--api-key-env")
    {
        Description = $"The environment variable that holds the API key. Default: {Defaults.ApiKeyEnvironmentVariable}. The key is never taken from an argument.",
        HelpName = "name",
        Recursive = true,
    };

    public static readonly Option<string> Output = new Option<string>("--output", "-o")
    {
        Description = "table (for people) or json (exactly one document on standard output; errors also on standard error).",
        HelpName = "table|json",
        DefaultValueFactory = _ => "table",
        Recursive = true,
    }.AcceptOnlyFromAmong("table", "json");

    public static OutputFormat Format(ParseResult parsed) =>
        string.Equals(parsed.GetValue(Output), "json", StringComparison.OrdinalIgnoreCase) ? OutputFormat.Json : OutputFormat.Table;

    public static readonly Option<double?> Timeout = new("--timeout")
    {
        Description = $"Seconds one request may take; each call's deadline is --timeout × (--retries + 1). Default: {Defaults.TimeoutSeconds}.",
        HelpName = "seconds",
        Recursive = true,
    };

    public static readonly Option<int?> Retries = new("--retries")
    {
        Description = $"Retries of a call that failed in a way worth retrying (rate limit, 502/503/504, a dropped connection), 0 to 20. Default: {Defaults.MaxRetries}.",
        HelpName = "count",
        Recursive = true,
    };

    public static readonly Option<bool> Wait = new("--wait")
    {
        Description = "Wait for the sync job to finish; exit 7 when it fails or does not finish within --wait-timeout.",
    };

    public static readonly Option<double?> WaitTimeout = new("--wait-timeout")
    {
        Description = $"Seconds to wait for the sync job with --wait. Default: {Defaults.SyncTimeoutSeconds}.",
        HelpName = "seconds",
    };
}
