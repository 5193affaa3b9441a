namespace Qarion.Build.Tests.Support;

/// <summary>End-to-end builds of throwaway consumers: they only restore the packed package, so they run beside the others.</summary>
[CollectionDefinition(Name)]
public sealed class ConsumerCollection : ICollectionFixture<PackageFixture>
{
    public const string Name = "consumer";
}
