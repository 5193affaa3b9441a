using Qarion.Testing;

namespace Qarion.Build.Tests.Support;

/// <summary>
/// A throwaway project that imports the repository's build/ files directly, with the task assembly
/// pointed at the freshly built DLL, built by a child `dotnet msbuild -nr:false`. No package, no restore.
/// </summary>
public sealed class TargetsProject
{
    public TargetsProject(string prefix)
    {
        Directory = TestData.TempDirectory(prefix);
        Isolation.WriteEmptyDirectoryFiles(Directory);
    }

    public string Directory { get; }

    public string ManifestPath => Path.Combine(Directory, "target", "manifest.json");

    public Dictionary<string, string> Properties { get; } = new();

    /// <summary>Extra XML inside the project, before the package's targets are imported (as a user's targets are).</summary>
    public string ExtraXml { get; set; } = "";

    /// <summary>XML after the package's targets, where Directory.Build.targets comes in a real project.</summary>
    public string LateXml { get; set; } = "";

    public TargetsProject WithManifest(string source)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(ManifestPath)!);
        File.Copy(source, ManifestPath, overwrite: true);
        return this;
    }

    public async Task<ProcessResult> BuildAsync(IReadOnlyDictionary<string, string?>? environment = null, params string[] extraArguments)
    {
        var build = Path.Combine(TestData.RepositoryRoot, "build");
        var tasks = Path.Combine(AppContext.BaseDirectory, "Qarion.Build.dll");
        var properties = Isolation.PropertiesXml(Properties);
        var project = Path.Combine(Directory, "dbt.proj");
        File.WriteAllText(project, $"""
            <Project>
              <Import Project="{build}/Qarion.Build.props" />
              <PropertyGroup>
                <BaseIntermediateOutputPath>obj/</BaseIntermediateOutputPath>
                <QarionTasksAssembly>{tasks}</QarionTasksAssembly>
            {properties}  </PropertyGroup>
              <Target Name="Build" />
              <Target Name="_ShowQarionOutputs" AfterTargets="QarionUploadDbtManifest">
                <Message Importance="high" Text="sync-job-id=[$(QarionSyncJobId)] status=[$(QarionSyncJobStatus)]" />
              </Target>
            {ExtraXml}
              <Import Project="{build}/Qarion.Build.targets" />
            {LateXml}
            </Project>
            """);
        return await DotnetRunner.RunAsync(Directory, ["msbuild", project, "-nr:false", "-t:Build", "-v:m", .. extraArguments], environment);
    }
}
