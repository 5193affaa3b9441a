using Xunit;

namespace Qarion.Testing;

/// <summary>The real manifests as xunit theory data.</summary>
public static class ManifestTheories
{
    /// <summary>The valid manifests' file names, for [MemberData].</summary>
    public static TheoryData<string> ManifestFiles()
    {
        var data = new TheoryData<string>();
        foreach (var (file, _, _) in TestData.Catalog())
        {
            data.Add(file);
        }

        return data;
    }

    /// <summary>The valid manifests with their node count and schema URL from SOURCES.tsv, for [MemberData].</summary>
    public static TheoryData<string, int, string> ManifestCatalog()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var (file, nodes, schema) in TestData.Catalog())
        {
            data.Add(file, nodes, schema);
        }

        return data;
    }
}
