using Qarion.Testing;

namespace Qarion.Build.Tests.Support;

/// <summary>The repository's Markdown pages, as paths relative to its root.</summary>
public static class Docs
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
}
