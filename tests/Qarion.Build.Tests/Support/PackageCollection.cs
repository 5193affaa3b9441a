namespace Qarion.Build.Tests.Support;

/// <summary>Tests that build inside the repository (pack, the quick start): one at a time, sharing the pack.</summary>
[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>
{
    public const string Name = "package";
}
