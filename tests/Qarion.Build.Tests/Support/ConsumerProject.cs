using Qarion.Testing;

namespace Qarion.Build.Tests.Support;

/// <summary>
/// A throwaway dbt project as a user writes it: the Microsoft.Build.NoTargets SDK, a PackageReference
/// to Qarion.Build from the test feed, its own NuGet.config, and empty Directory.Build files so the
/// repository's settings cannot leak in.
/// </summary>
public sealed class ConsumerProject
{
    public ConsumerProject(PackageFixture package, string root, string name = "jaffle_shop")
    {
        Package = package;
        Root = root;
        Name = name;
        Directory = Path.Combine(root, name);
        System.IO.Directory.CreateDirectory(Directory);
        WriteRootFiles(package, root);
    }

    public PackageFixture Package { get; }

    public string Root { get; }

    public string Name { get; }

    public string Directory { get; }

    public string ProjectPath => Path.Combine(Directory, Name + ".csproj");

    public string ManifestPath => Path.Combine(Directory, "target", "manifest.json");

    public string TargetFrameworks { get; set; } = "net10.0";

    public Dictionary<string, string> Properties { get; } = new();

    public string ExtraXml { get; set; } = "";

    /// <summary>Attributes added to the PackageReference, e.g. <c>PrivateAssets="none"</c>.</summary>
    public string ReferenceAttributes { get; set; } = "";

    public static string NewRoot(string prefix) => TestData.TempDirectory(prefix);

    /// <summary>A project with the real jaffle-shop manifest in target/, pointed at a local server's URL and space.</summary>
    public static ConsumerProject For(PackageFixture package, ServerHarness server, string prefix, string name = "jaffle_shop", string? root = null)
    {
        var project = new ConsumerProject(package, root ?? NewRoot(prefix), name).WithManifest(TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json"));
        project.Properties["QarionSpace"] = ServerHarness.Space;
        project.Properties["QarionApiUrl"] = server.Server.Url.ToString();
        return project;
    }

    /// <summary>Writes the projects and a solution of them at their common root, for a `dotnet build -m` of several dbt projects.</summary>
    public static string WriteSolution(params ConsumerProject[] projects)
    {
        var root = projects[0].Root;
        foreach (var project in projects)
        {
            project.Write();
        }

        var entries = string.Concat(projects.Select(p => $"  <Project Path=\"{p.Name}/{p.Name}.csproj\" />\n"));
        var solution = Path.Combine(root, "dbt.slnx");
        File.WriteAllText(solution, $"<Solution>\n{entries}</Solution>\n");
        return solution;
    }

    /// <summary>What CI looks like: CI=true and the key in the documented variable.</summary>
    public static Dictionary<string, string?> Ci(string? key = ServerHarness.Key) => new() { ["CI"] = "true", ["QARION_API_KEY"] = key };

    public ConsumerProject WithManifest(string source)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(ManifestPath)!);
        File.Copy(source, ManifestPath, overwrite: true);
        return this;
    }

    public ConsumerProject Write()
    {
        var frameworks = TargetFrameworks.Contains(';')
            ? $"<TargetFrameworks>{TargetFrameworks}</TargetFrameworks>"
            : $"<TargetFramework>{TargetFrameworks}</TargetFramework>";
        var properties = Isolation.PropertiesXml(Properties);
        File.WriteAllText(ProjectPath, $"""
            <Project Sdk="Microsoft.Build.NoTargets/3.7.0">
              <PropertyGroup>
                {frameworks}
            {properties}  </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Qarion.Build" Version="{Package.Version}"{ReferenceAttributes} />
              </ItemGroup>
              <Target Name="_ShowQarionOutputs" AfterTargets="QarionUploadDbtManifest">
                <Message Importance="high" Text="sync-job-id=[$(QarionSyncJobId)] status=[$(QarionSyncJobStatus)]" />
              </Target>
            {ExtraXml}
            </Project>
            """);
        return this;
    }

    public Task<ProcessResult> BuildAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        Write();
        return DotnetRunner.RunAsync(Directory, ["build", ProjectPath, "-nr:false", .. arguments], environment);
    }

    private static void WriteRootFiles(PackageFixture package, string root)
    {
        Isolation.WriteEmptyDirectoryFiles(root);
        File.WriteAllText(Path.Combine(root, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="qarion-test-feed" value="{package.Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
    }
}
