namespace Qarion.Build.Tests.Support;

/// <summary>A second lane of consumer builds.</summary>
[CollectionDefinition(Name)]
public sealed class ConsumerCollection2 : ICollectionFixture<PackageFixture>
{
    public const string Name = "consumer-2";
}
