using System.Text.RegularExpressions;
using Qarion.Testing;

namespace Qarion.Build.Tests.Support;

/// <summary>The repository's Markdown pages, as paths relative to its root.</summary>
public static partial class Docs
{
    public static IEnumerable<string> Pages()
    {
        var root = TestData.RepositoryRoot;
        return Directory.EnumerateFiles(root, "*.md", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Where(path => !path.Split('/').Any(part => part is "bin" or "obj" or "data" or "artifacts" or "StrykerOutput" || part.StartsWith('.')))
            .Order(StringComparer.Ordinal);
    }

    public static string Read(string page) => File.ReadAllText(Path.Combine(TestData.RepositoryRoot, page));

    /// <summary>The fenced code blocks of some Markdown in one language, in order.</summary>
    public static List<string> Blocks(string markdown, string language) =>
        CodeBlock().Matches(markdown).Where(m => m.Groups["lang"].Value == language).Select(m => m.Groups["code"].Value).ToList();

    [GeneratedRegex("```(?<lang>[a-z]+)\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
