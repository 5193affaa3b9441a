namespace Qarion.Workflow;

/// <summary>The run a coded failure speaks of: the values its message names, and what its host calls each setting.</summary>
internal interface IRunContext
{
    SettingNames Names { get; }

    /// <summary>The manifest's path as given (the task's property, the command's --file); empty where none is involved.</summary>
    string ManifestPath { get; }

    string Space { get; }

    string? ConnectorId { get; }

    string? ConnectorName { get; }

    string ApiKeyEnvironmentVariable { get; }

    Uri ApiUrl { get; }

    /// <summary>How one call's deadline is made (<see cref="SettingNames.DeadlineAdvice"/>).</summary>
    string DeadlineAdvice { get; }
}
