using System.Text.RegularExpressions;
using System.Xml.Linq;
using Qarion.Build.Tests.Support;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>What the repository's pages show must work when pasted: C# compiles, XML parses.</summary>
public sealed partial class ReadmeSnippetTests
{
    /// <summary>Every Markdown page of the repository, wherever its snippets live (README, docs/, package readmes, samples, benchmarks).</summary>
    private static readonly string[] Documents = Docs.Pages().ToArray();

    public static TheoryData<string, int> CSharpSnippets() => Snippets("csharp");

    private static TheoryData<string, int> Snippets(string language)
    {
        var data = new TheoryData<string, int>();
        foreach (var document in Documents)
        {
            var count = Blocks(document, language).Count;
            for (var i = 0; i < count; i++)
            {
                data.Add(document, i);
            }
        }

        return data;
    }

    private static List<string> Blocks(string document, string language) =>
        Docs.Blocks(Docs.Read(document), language);

    [Theory]
    [MemberData(nameof(CSharpSnippets))]
    public async Task Every_csharp_snippet_compiles_as_pasted(string document, int index)
    {
        var dir = WriteProgram(Blocks(document, "csharp")[index]);

        var result = await DotnetRunner.RunAsync(dir, ["build", "snippet.csproj", "-nr:false", "-v:q"]);

        Assert.True(result.ExitCode == 0, $"{document}, C# block {index + 1}:\n{result}");
    }

    /// <summary>A console project holding the snippet as its Program.cs, with the client's assemblies as a user's package gives them.</summary>
    private static string WriteProgram(string code)
    {
        var dir = TestData.TempDirectory("snippet");
        Isolation.WriteEmptyDirectoryFiles(dir);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), code);
        File.WriteAllText(Path.Combine(dir, "snippet.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <!-- ServiceCollection, IHttpClientFactory and configuration, as a web host has them. -->
                <FrameworkReference Include="Microsoft.AspNetCore.App" />
                <Reference Include="Qarion.Client" HintPath="{Path.Combine(AppContext.BaseDirectory, "Qarion.Client.dll")}" />
                <Reference Include="Qarion.Client.Extensions.DependencyInjection" HintPath="{Path.Combine(AppContext.BaseDirectory, "Qarion.Client.Extensions.DependencyInjection.dll")}" />
                <Reference Include="Qarion.Dbt.Manifests" HintPath="{Path.Combine(AppContext.BaseDirectory, "Qarion.Dbt.Manifests.dll")}" />
              </ItemGroup>
            </Project>
            """);
        return dir;
    }

    [Fact]
    public async Task The_client_guides_program_runs_against_the_quick_start_server_and_says_what_each_call_did()
    {
        // The quick start's server: its space, with jaffle_shop already there.
        await using var server = await ServerHarness.StartAsync(o => o.Spaces.Add("marketing-analytics"));
        var existing = server.Seed("jaffle_shop", space: "marketing-analytics");
        var dir = WriteProgram(Blocks("docs/client.md", "csharp")[0]);
        var manifest = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

        var result = await DotnetRunner.RunAsync(dir, ["run", "--project", "snippet.csproj", "--", manifest],
            new Dictionary<string, string?> { ["QARION_BASE_URL"] = server.Server.Url.ToString(), ["QARION_API_KEY"] = ServerHarness.Key });

        Assert.True(result.ExitCode == 0, result.ToString());
        var upload = Assert.Single(server.State.Uploads);
        Assert.Equal(TestData.Sha256(manifest), upload.Sha256);
        foreach (var line in new[]
        {
            "connector type: dbt_manifest", $"list: 'jaffle_shop' (dbt_manifest) is {existing}", "create: 'client-example-", "get: 'client-example-",
            "update: now 'client-example-", "sync: job ", $"upload: {new FileInfo(manifest).Length:N0} bytes of {manifest}, sync job {upload.JobId}",
            $"wait: sync job {upload.JobId} succeeded", "history: ", "delete: 'client-example-",
        })
        {
            Assert.Contains(line, result.Output);
        }

        // It cleaned up after itself: only the connector that was there before is left.
        Assert.Equal([existing], server.State.ListConnectors("marketing-analytics").Select(c => c["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_client_guides_checked_upload_sends_a_good_manifest_and_never_a_broken_one_whole()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var dir = WriteProgram(Blocks("docs/client.md", "csharp").Single(b => b.Contains("CheckingInspector", StringComparison.Ordinal)));
        var environment = new Dictionary<string, string?> { ["QARION_BASE_URL"] = server.Server.Url.ToString(), ["QARION_API_KEY"] = ServerHarness.Key };
        var good = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

        var sent = await DotnetRunner.RunAsync(dir, ["run", "--project", "snippet.csproj", "--", ServerHarness.Space, id, good], environment);
        var refused = await DotnetRunner.RunAsync(dir, ["run", "--no-build", "--project", "snippet.csproj", "--", ServerHarness.Space, id, TestData.BrokenManifest], environment);

        Assert.True(sent.ExitCode == 0, sent.ToString());
        var upload = Assert.Single(server.State.Uploads);
        Assert.Contains($"checked and sent: 40 nodes, schema v12, sync job {upload.JobId}", sent.Output);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("not sent: The file is not valid JSON", refused.Output);
        Assert.Contains("(line 1, byte 0)", refused.Output);
        Assert.Single(server.State.Uploads);
    }

    [Fact]
    public void Every_xml_snippet_is_well_formed()
    {
        var blocks = Documents.SelectMany(d => Blocks(d, "xml").Select(code => (d, code))).ToList();

        Assert.NotEmpty(blocks);
        Assert.All(blocks, b => XDocument.Parse(b.code));
    }

}
