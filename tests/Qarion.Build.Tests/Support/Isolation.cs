using System.Security;

namespace Qarion.Build.Tests.Support;

/// <summary>What every throwaway project needs so that nothing of the repository's own build settings leaks in.</summary>
public static class Isolation
{
    public static void WriteEmptyDirectoryFiles(string directory)
    {
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(directory, name), "<Project />");
        }
    }

    /// <summary>Properties as MSBuild XML lines, values escaped.</summary>
    public static string PropertiesXml(IReadOnlyDictionary<string, string> properties) =>
        string.Concat(properties.Select(p => $"    <{p.Key}>{SecurityElement.Escape(p.Value)}</{p.Key}>\n"));
}
