using System.Xml.Linq;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>The client packages declare their public surface, so a change to it is a deliberate edit the build enforces (RS0016/RS0017).</summary>
public sealed class PublicApiTests
{
    [Theory]
    [InlineData("src/Qarion.Client", "Qarion.Client.QarionClient.QarionClient(System.Net.Http.HttpClient! httpClient, Qarion.Client.QarionClientOptions! options) -> void")]
    [InlineData("src/Qarion.Client", "virtual Qarion.Client.ConnectorsClient.ListAsync(string! spaceSlug, System.Threading.CancellationToken cancellationToken = default(System.Threading.CancellationToken)) -> System.Threading.Tasks.Task<System.Collections.Generic.IReadOnlyList<Qarion.Client.Connector!>!>!")]
    [InlineData("src/Qarion.Client.Extensions.DependencyInjection", "static Qarion.Client.QarionServiceCollectionExtensions.AddQarionClient(this Microsoft.Extensions.DependencyInjection.IServiceCollection! services, System.Action<Qarion.Client.QarionClientOptions!>! configure) -> Microsoft.Extensions.DependencyInjection.IHttpClientBuilder!")]
    public void The_baseline_is_wired_into_the_build_and_declares_the_documented_surface(string project, string member)
    {
        var directory = Path.Combine(TestData.RepositoryRoot, project);
        var csproj = XDocument.Load(Directory.GetFiles(directory, "*.csproj").Single());
        var additional = csproj.Descendants("AdditionalFiles").Select(e => e.Attribute("Include")!.Value).ToList();

        Assert.Contains(csproj.Descendants("PackageReference"), r => r.Attribute("Include")!.Value == "Microsoft.CodeAnalysis.PublicApiAnalyzers");
        Assert.Equal(["PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt"], additional);
        var declared = File.ReadAllLines(Path.Combine(directory, "PublicAPI.Shipped.txt")).Concat(File.ReadAllLines(Path.Combine(directory, "PublicAPI.Unshipped.txt")));
        Assert.Contains(member, declared);
    }
}
