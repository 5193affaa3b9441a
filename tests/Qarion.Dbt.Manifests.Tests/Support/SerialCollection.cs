namespace Qarion.Dbt.Manifests.Tests.Support;

/// <summary>Tests that measure process-wide allocation, or load a core for long, run alone after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial";
}
