using System.IO.Compression;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Qarion.Build.Tests.Support;
using Qarion.Testing;

namespace Qarion.Build.Tests;

[Collection(PackageCollection.Name)]
public sealed class PackageLayoutTests(PackageFixture package)
{
    [Fact]
    public void The_package_holds_the_targets_and_the_task_with_its_client_and_nothing_else()
    {
        using var zip = ZipFile.OpenRead(package.PackagePath);
        var files = zip.Entries.Select(e => e.FullName).Where(n => !n.StartsWith("package/", StringComparison.Ordinal) && !n.StartsWith("_rels/", StringComparison.Ordinal) && n != "[Content_Types].xml").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(
            [
                "PACKAGE.md", "Qarion.Build.nuspec",
                "build/Qarion.Build.HelpLinks.props", "build/Qarion.Build.props", "build/Qarion.Build.targets",
                "buildMultiTargeting/Qarion.Build.props", "buildMultiTargeting/Qarion.Build.targets",
                "buildTransitive/Qarion.Build.props", "buildTransitive/Qarion.Build.targets",
                "tasks/net8.0/Qarion.Build.dll", "tasks/net8.0/Qarion.Client.dll", "tasks/net8.0/Qarion.Dbt.Manifests.dll",
            ],
            files);
    }

    [Fact]
    public async Task The_help_links_point_at_the_docs_of_the_commit_that_was_packed()
    {
        var head = await DotnetRunner.RunProgramAsync("git", TestData.RepositoryRoot, ["rev-parse", "HEAD"]);
        Assert.Equal(0, head.ExitCode);
        using var zip = ZipFile.OpenRead(package.PackagePath);
        using var stream = zip.GetEntry("build/Qarion.Build.HelpLinks.props")!.Open();
        var props = XDocument.Load(stream);

        Assert.Equal($"https://github.com/qarion-build/Qarion.Build/blob/{head.Output.Trim()}/docs/diagnostics.md#",
            props.Descendants("_QarionHelpBase").Single().Value);
    }

    [Fact]
    public void Pack_at_the_root_is_quiet_and_says_the_version_to_reference()
    {
        Assert.DoesNotContain("warning", package.PackOutput, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"  Qarion.Build {package.Version}: <PackageReference Include=\"Qarion.Build\" Version=\"{package.Version}\" PrivateAssets=\"all\" />", package.PackOutput);
        Assert.Contains($"  Qarion.Client {package.Version}: <PackageReference Include=\"Qarion.Client\" Version=\"{package.Version}\" />", package.PackOutput);
    }

    [Fact]
    public void The_nuspec_marks_a_development_dependency_with_no_dependencies()
    {
        using var zip = ZipFile.OpenRead(package.PackagePath);
        using var stream = zip.GetEntry("Qarion.Build.nuspec")!.Open();
        var nuspec = XDocument.Load(stream);
        var ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;

        Assert.Equal("Qarion.Build", metadata.Element(ns + "id")!.Value);
        Assert.Equal(package.Version, metadata.Element(ns + "version")!.Value);
        Assert.Equal("true", metadata.Element(ns + "developmentDependency")!.Value);
        Assert.Equal("Apache-2.0", metadata.Element(ns + "license")!.Value);
        Assert.Equal("PACKAGE.md", metadata.Element(ns + "readme")!.Value);
        Assert.Empty(metadata.Descendants(ns + "dependency"));
    }

    [Theory]
    [InlineData("Qarion.Build")]
    [InlineData("Qarion.Client")]
    [InlineData("Qarion.Client.Extensions.DependencyInjection")]
    public async Task Every_package_says_where_it_comes_from_and_can_be_debugged(string id)
    {
        using var zip = ZipFile.OpenRead(id switch
        {
            "Qarion.Build" => package.PackagePath,
            "Qarion.Client" => package.ClientPackagePath,
            _ => package.DependencyInjectionPackagePath,
        });
        XElement metadata;
        using (var stream = zip.GetEntry($"{id}.nuspec")!.Open())
        {
            var nuspec = XDocument.Load(stream);
            metadata = nuspec.Root!.Element(nuspec.Root.Name.Namespace + "metadata")!;
        }

        string Field(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        var head = (await DotnetRunner.RunProgramAsync("git", TestData.RepositoryRoot, ["rev-parse", "HEAD"])).Output.Trim();
        Assert.Equal("https://github.com/qarion-build/Qarion.Build", repository.Attribute("url")!.Value);
        Assert.Equal(head, repository.Attribute("commit")!.Value);
        Assert.Equal("https://github.com/qarion-build/Qarion.Build", Field("projectUrl"));
        Assert.Equal("Apache-2.0", Field("license"));
        Assert.Contains("qarion", Field("tags"));
        Assert.Equal("PACKAGE.md", Field("readme"));
        // A short readme of its own, not the repository's long one.
        Assert.InRange(zip.GetEntry("PACKAGE.md")!.Length, 200, 4096);
        foreach (var dll in zip.Entries.Where(e => e.FullName.EndsWith(".dll", StringComparison.Ordinal)))
        {
            using var copy = new MemoryStream();
            using (var entry = dll.Open())
            {
                entry.CopyTo(copy);
            }

            copy.Position = 0;
            using var pe = new PEReader(copy);
            Assert.Contains(pe.ReadDebugDirectory(), d => d.Type == DebugDirectoryEntryType.EmbeddedPortablePdb);
        }
    }

    [Fact]
    public void The_dependency_injection_package_carries_the_dependencies_so_the_client_needs_none()
    {
        using var zip = ZipFile.OpenRead(package.DependencyInjectionPackagePath);
        using var stream = zip.GetEntry("Qarion.Client.Extensions.DependencyInjection.nuspec")!.Open();
        var nuspec = XDocument.Load(stream);
        var dependencies = nuspec.Descendants(nuspec.Root!.Name.Namespace + "dependency").ToDictionary(d => d.Attribute("id")!.Value, d => d.Attribute("version")!.Value);

        Assert.Equal(package.Version, dependencies["Qarion.Client"]);
        Assert.Equal("8.0.0", dependencies["Microsoft.Extensions.Http"]);
        Assert.Contains("lib/net8.0/Qarion.Client.Extensions.DependencyInjection.dll", zip.Entries.Select(e => e.FullName));
    }

    [Fact]
    public void The_task_folder_ships_no_MSBuild_or_framework_assembly()
    {
        using var zip = ZipFile.OpenRead(package.PackagePath);
        var tasks = zip.Entries.Where(e => e.FullName.StartsWith("tasks/", StringComparison.Ordinal)).Select(e => Path.GetFileName(e.FullName)).ToList();

        Assert.DoesNotContain(tasks, f => f.StartsWith("Microsoft.Build", StringComparison.Ordinal) || f.StartsWith("System.", StringComparison.Ordinal));
        Assert.Equal(["Qarion.Build.dll", "Qarion.Client.dll", "Qarion.Dbt.Manifests.dll"], tasks.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_repository_has_the_licence_the_packages_declare()
    {
        var licence = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "LICENSE"));

        Assert.Contains("Apache License", licence);
        Assert.Contains("Version 2.0, January 2004", licence);
    }

    [Fact]
    public async Task A_pack_without_a_version_takes_a_prerelease_version_from_git_with_deterministic_paths_in_CI()
    {
        var output = TestData.TempDirectory("minver");
        var result = await DotnetRunner.RunAsync(TestData.RepositoryRoot, ["pack", "src/Qarion.Client", "-c", "Release", "-o", output, "-nr:false"], new Dictionary<string, string?> { ["CI"] = "true" });

        Assert.True(result.ExitCode == 0, result.ToString());
        var nupkg = Path.GetFileName(Assert.Single(Directory.GetFiles(output, "*.nupkg")));
        var version = Regex.Match(nupkg, @"^Qarion\.Client\.(?<v>.+)\.nupkg$").Groups["v"].Value;
        // Before the first release tag, every commit has its own height: 0.1.0-alpha.0.<commits since the first>.
        Assert.Matches(@"^\d+\.\d+\.\d+(-alpha\.0\.\d+)?$", version);
        Assert.NotEqual("0.1.0", version);
        using var zip = ZipFile.OpenRead(Path.Combine(output, nupkg));
        using var copy = new MemoryStream();
        using (var entry = zip.GetEntry("lib/net8.0/Qarion.Client.dll")!.Open())
        {
            entry.CopyTo(copy);
        }

        copy.Position = 0;
        using var pe = new PEReader(copy);
        using var pdb = pe.ReadEmbeddedPortablePdbDebugDirectoryData(pe.ReadDebugDirectory().First(d => d.Type == DebugDirectoryEntryType.EmbeddedPortablePdb));
        var reader = pdb.GetMetadataReader();
        var documents = reader.Documents.Select(d => reader.GetString(reader.GetDocument(d).Name)).ToList();
        // ContinuousIntegrationBuild: no path of the build machine in the binary, only the mapped /_/.
        Assert.NotEmpty(documents);
        Assert.All(documents, d => Assert.StartsWith("/_/", d));
    }

    [Fact]
    public void The_build_and_transitive_targets_match_the_repository()
    {
        using var zip = ZipFile.OpenRead(package.PackagePath);
        foreach (var path in new[] { "build/Qarion.Build.targets", "build/Qarion.Build.props", "buildTransitive/Qarion.Build.targets" })
        {
            using var reader = new StreamReader(zip.GetEntry(path)!.Open());
            Assert.Equal(File.ReadAllText(Path.Combine(Qarion.Testing.TestData.RepositoryRoot, path)), reader.ReadToEnd());
        }
    }

    [Theory]
    [InlineData("Qarion.Client")]
    [InlineData("Qarion.Dbt.Manifests")]
    public void The_client_and_the_manifest_check_are_plain_libraries_with_docs_and_no_dependencies(string id)
    {
        using var zip = ZipFile.OpenRead(id == "Qarion.Client" ? package.ClientPackagePath : package.ManifestsPackagePath);
        var files = zip.Entries.Select(e => e.FullName).ToList();

        // Built for .NET 8 (reach) and .NET 10 (where it is tested), each with its XML docs and nothing else.
        Assert.Equal(
            [$"lib/net10.0/{id}.dll", $"lib/net10.0/{id}.xml", $"lib/net8.0/{id}.dll", $"lib/net8.0/{id}.xml"],
            files.Where(f => f.StartsWith("lib/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        using var stream = zip.GetEntry($"{id}.nuspec")!.Open();
        var nuspec = XDocument.Load(stream);
        Assert.Empty(nuspec.Descendants(nuspec.Root!.Name.Namespace + "dependency"));
        Assert.Contains("PACKAGE.md", files);
        Assert.Equal(5, Directory.GetFiles(package.Feed, "*.nupkg").Length);
    }

    [Fact]
    public void Dotnet_pack_at_the_root_makes_the_command_line_a_dotnet_tool_named_qarion_with_everything_it_runs_on()
    {
        using var zip = ZipFile.OpenRead(Path.Combine(package.Feed, $"Qarion.Cli.{package.Version}.nupkg"));
        var files = zip.Entries.Select(e => e.FullName).ToList();
        using var settings = new StreamReader(zip.GetEntry("tools/net8.0/any/DotnetToolSettings.xml")!.Open());
        var command = XDocument.Parse(settings.ReadToEnd()).Descendants("Command").Single();

        Assert.Equal(("qarion", "qarion.dll"), (command.Attribute("Name")!.Value, command.Attribute("EntryPoint")!.Value));
        // The tool carries the client, the manifest check and the parser it runs on; MSBuild is nothing of it.
        foreach (var dll in new[] { "qarion.dll", "Qarion.Client.dll", "Qarion.Dbt.Manifests.dll", "System.CommandLine.dll" })
        {
            Assert.Contains($"tools/net8.0/any/{dll}", files);
        }

        Assert.DoesNotContain(files, f => f.Contains("Microsoft.Build", StringComparison.Ordinal) || f.Contains("Qarion.Build.dll", StringComparison.Ordinal));
        Assert.Contains("PACKAGE.md", files);
    }
}
