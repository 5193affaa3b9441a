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
        Block().Matches(File.ReadAllText(Path.Combine(TestData.RepositoryRoot, document)))
            .Where(m => m.Groups["lang"].Value == language)
            .Select(m => m.Groups["code"].Value)
            .ToList();

    [Theory]
    [MemberData(nameof(CSharpSnippets))]
    public async Task Every_csharp_snippet_compiles_as_pasted(string document, int index)
    {
        var code = Blocks(document, "csharp")[index];
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
              </ItemGroup>
            </Project>
            """);

        var result = await DotnetRunner.RunAsync(dir, ["build", "snippet.csproj", "-nr:false", "-v:q"]);

        Assert.True(result.ExitCode == 0, $"{document}, C# block {index + 1}:\n{result}");
    }

    [Fact]
    public void Every_xml_snippet_is_well_formed()
    {
        var blocks = Documents.SelectMany(d => Blocks(d, "xml").Select(code => (d, code))).ToList();

        Assert.NotEmpty(blocks);
        Assert.All(blocks, b => XDocument.Parse(b.code));
    }

    [GeneratedRegex("```(?<lang>[a-z]+)\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Block();
}
