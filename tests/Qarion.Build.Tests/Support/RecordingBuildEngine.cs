using System.Collections;
using Microsoft.Build.Framework;

namespace Qarion.Build.Tests.Support;

/// <summary>An <see cref="IBuildEngine"/> that keeps every error, warning and message, with codes, for task unit tests.</summary>
public sealed class RecordingBuildEngine : IBuildEngine
{
    public List<BuildErrorEventArgs> Errors { get; } = [];

    public List<BuildWarningEventArgs> Warnings { get; } = [];

    public List<BuildMessageEventArgs> Messages { get; } = [];

    /// <summary>Everything logged, as one text, to search for what must (not) appear.</summary>
    public string AllText => string.Join("\n",
        Errors.Select(e => $"error {e.Code}: {e.Message} {e.File} {e.HelpLink}")
            .Concat(Warnings.Select(w => $"warning {w.Code}: {w.Message} {w.File} {w.HelpLink}"))
            .Concat(Messages.Select(m => m.Message)));

    public IEnumerable<string> HighMessages => Messages.Where(m => m.Importance == MessageImportance.High).Select(m => m.Message ?? "");

    public bool ContinueOnError => false;

    public int LineNumberOfTaskNode => 0;

    public int ColumnNumberOfTaskNode => 0;

    public string ProjectFileOfTaskNode => "/repo/dbt/jaffle.proj";

    public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e);

    public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Add(e);

    public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e);

    public void LogCustomEvent(CustomBuildEventArgs e)
    {
    }

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) =>
        throw new NotSupportedException();
}
