using System.Globalization;

namespace Qarion.Workflow;

/// <summary>
/// What each host calls the settings a message advises changing: MSBuild properties for the task,
/// options for the command line. The messages are worded once (FailureMapper, ConnectorResolver,
/// ClientKey); only these names differ between the two.
/// </summary>
internal sealed record SettingNames
{
    public static readonly SettingNames MSBuild = new()
    {
        Product = "Qarion.Build",
        Space = "QarionSpace",
        ConnectorName = "QarionConnectorName",
        ConnectorId = "QarionConnectorId",
        ApiUrl = "QarionApiUrl",
        ApiKeyVariable = "QarionApiKeyEnvironmentVariable",
        Timeout = "QarionTimeoutSeconds",
        Retries = "QarionMaxRetries",
        SyncTimeout = "QarionSyncTimeoutSeconds",
        ManifestPath = "QarionManifestPath",
        AfterDbt = " (hook this upload after that step with QarionUploadAfterTargets)",
        KeyNeverFrom = "an MSBuild property",
        Sharers = "Builds",
        Again = "build again",
        During = "during the build",
        NoWait = "set QarionWaitForSync=false",
    };

    public static readonly SettingNames CommandLine = new()
    {
        Product = "Qarion.Cli",
        Space = "--space",
        ConnectorName = "--connector",
        ConnectorId = "--connector",
        ApiUrl = "--api-url",
        ApiKeyVariable = "--api-key-env",
        Timeout = "--timeout",
        Retries = "--retries",
        SyncTimeout = "--wait-timeout",
        ManifestPath = "--file",
        AfterDbt = "",
        KeyNeverFrom = "a command-line argument",
        Sharers = "Builds and commands",
        Again = "run it again",
        During = "during the upload",
        NoWait = "leave out --wait",
    };

    /// <summary>The package a message asks to update.</summary>
    public required string Product { get; init; }
    public required string Space { get; init; }
    public required string ConnectorName { get; init; }
    public required string ConnectorId { get; init; }
    public required string ApiUrl { get; init; }
    public required string ApiKeyVariable { get; init; }
    public required string Timeout { get; init; }
    public required string Retries { get; init; }
    public required string SyncTimeout { get; init; }
    public required string ManifestPath { get; init; }

    /// <summary>How the upload is put after the dbt step, as a parenthesis, or nothing where the user runs the steps.</summary>
    public required string AfterDbt { get; init; }

    /// <summary>Where the key is never read from.</summary>
    public required string KeyNeverFrom { get; init; }

    /// <summary>Who shares a key's rate limit on this machine.</summary>
    public required string Sharers { get; init; }

    /// <summary>What to do once the cause is fixed.</summary>
    public required string Again { get; init; }

    /// <summary>When something else writing the manifest got in the way.</summary>
    public required string During { get; init; }

    /// <summary>How not to wait for the sync.</summary>
    public required string NoWait { get; init; }

    /// <summary>How one call's deadline is made, for messages that advise raising it.</summary>
    public string DeadlineAdvice(TimeSpan requestTimeout, int maxRetries) => string.Create(CultureInfo.InvariantCulture,
        $"each call's deadline is {Timeout} × ({Retries} + 1) = {requestTimeout.TotalSeconds:0.#} s × {maxRetries + 1} = {(requestTimeout * (maxRetries + 1)).TotalSeconds:0.#} s");
}
