namespace Qarion.Workflow;

/// <summary>
/// The defaults of the task (for a property left empty) and of the command line (for an option left out). build/Qarion.Build.targets sets the same values (so a
/// log shows them), and the README's property table names them: DefaultsTests holds the three equal.
/// </summary>
internal static class Defaults
{
    public const string ApiKeyEnvironmentVariable = Qarion.Client.QarionClientOptions.ApiKeyEnvironmentVariable;

    public const double TimeoutSeconds = 100;

    public const int MaxRetries = 3;

    public const double SyncTimeoutSeconds = 600;

    public const double SyncPollSeconds = 2;

    public const string DbtExecutable = "dbt";

    /// <summary>A dbt step's deadline: an hour, for a warehouse build; a hung dbt never holds a CI job for longer.</summary>
    public const double DbtTimeoutSeconds = 3600;
}
