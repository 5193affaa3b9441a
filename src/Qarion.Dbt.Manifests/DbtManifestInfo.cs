namespace Qarion.Dbt.Manifests;

/// <summary>What one check of a dbt <c>manifest.json</c> learned about it.</summary>
public sealed record DbtManifestInfo
{
    /// <summary>The newest manifest schema this version of the library knows; newer ones are accepted with a warning.</summary>
    public const int NewestKnownSchemaVersion = 12;

    /// <summary><c>metadata.dbt_schema_version</c>, e.g. <c>https://schemas.getdbt.com/dbt/manifest/v12.json</c>.</summary>
    public required string SchemaVersionUrl { get; init; }

    /// <summary>The N of <c>manifest/vN.json</c>.</summary>
    public required int SchemaVersion { get; init; }

    /// <summary><c>metadata.dbt_version</c>, when present.</summary>
    public string? DbtVersion { get; init; }

    /// <summary>Entries under <c>nodes</c> (models, tests, seeds, snapshots, …).</summary>
    public long Nodes { get; init; }

    /// <summary>Entries under <c>sources</c>.</summary>
    public long Sources { get; init; }

    /// <summary>Entries under <c>macros</c>.</summary>
    public long Macros { get; init; }

    /// <summary>Entries under <c>exposures</c>.</summary>
    public long Exposures { get; init; }

    /// <summary>Entries under <c>metrics</c>.</summary>
    public long Metrics { get; init; }

    /// <summary>The file's size in bytes.</summary>
    public long Bytes { get; init; }

    /// <summary>
    /// The bytes' fingerprint when it was asked for (<see cref="DbtManifestCheckOptions.Fingerprint"/>): XXH64
    /// as 16 lower-case hex digits (<see cref="DbtManifestFingerprint"/>), to tell whether a file changed.
    /// </summary>
    public string? Fingerprint { get; init; }

    /// <summary>True when the schema is newer than <see cref="NewestKnownSchemaVersion"/>.</summary>
    public bool IsNewerThanKnown => SchemaVersion > NewestKnownSchemaVersion;
}
