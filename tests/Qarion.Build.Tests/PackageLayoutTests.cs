using System.IO.Compression;
using System.Xml.Linq;
using Qarion.Build.Tests.Support;

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
                "Qarion.Build.nuspec", "README.md",
                "build/Qarion.Build.props", "build/Qarion.Build.targets",
                "buildMultiTargeting/Qarion.Build.props", "buildMultiTargeting/Qarion.Build.targets",
                "buildTransitive/Qarion.Build.props", "buildTransitive/Qarion.Build.targets",
                "tasks/net8.0/Qarion.Build.dll", "tasks/net8.0/Qarion.Client.dll",
            ],
            files);
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
        Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
        Assert.Empty(metadata.Descendants(ns + "dependency"));
    }

    [Fact]
    public void The_build_and_transitive_targets_match_the_repository()
    {
        using var zip = ZipFile.OpenRead(package.PackagePath);
        foreach (var path in new[] { "build/Qarion.Build.targets", "build/Qarion.Build.props", "buildTransitive/Qarion.Build.targets" })
        {
            using var reader = new StreamReader(zip.GetEntry(path)!.Open());
            Assert.Equal(File.ReadAllText(Path.Combine(Qarion.Tests.Shared.TestData.RepositoryRoot, path)), reader.ReadToEnd());
        }
    }

    [Fact]
    public void The_client_package_is_a_plain_library_with_docs_and_no_dependencies()
    {
        using var zip = ZipFile.OpenRead(package.ClientPackagePath);
        var files = zip.Entries.Select(e => e.FullName).ToList();

        Assert.Contains("lib/net8.0/Qarion.Client.dll", files);
        Assert.Contains("lib/net8.0/Qarion.Client.xml", files);
        Assert.DoesNotContain(files, f => f.Contains("System.Text.Json", StringComparison.OrdinalIgnoreCase));
        using var stream = zip.GetEntry("Qarion.Client.nuspec")!.Open();
        var nuspec = XDocument.Load(stream);
        Assert.Empty(nuspec.Descendants(nuspec.Root!.Name.Namespace + "dependency"));
        Assert.Equal(2, Directory.GetFiles(package.Feed, "*.nupkg").Length);
    }
}
