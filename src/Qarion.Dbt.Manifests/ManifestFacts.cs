namespace Qarion.Dbt.Manifests;

/// <summary>
/// What the check reads besides validity, as the scanner collects it: the section each top-level key
/// names, the entries counted one level below it, and the two metadata fields.
/// </summary>
internal sealed class ManifestFacts
{
    internal enum Section : byte { Other, Metadata, Nodes, Sources, Macros, Exposures, Metrics }

    internal enum MetadataField : byte { None, SchemaVersion, DbtVersion }

    private readonly long[] _entries = new long[7];

    public string? SchemaVersionUrl { get; set; }

    public string? DbtVersion { get; set; }

    public long Nodes => _entries[(int)Section.Nodes];

    public long Sources => _entries[(int)Section.Sources];

    public long Macros => _entries[(int)Section.Macros];

    public long Exposures => _entries[(int)Section.Exposures];

    public long Metrics => _entries[(int)Section.Metrics];

    public static Section SectionOf(string key) => key switch
    {
        "nodes" => Section.Nodes,
        "metadata" => Section.Metadata,
        "sources" => Section.Sources,
        "macros" => Section.Macros,
        "exposures" => Section.Exposures,
        "metrics" => Section.Metrics,
        _ => Section.Other,
    };

    public static MetadataField MetadataFieldOf(string key) => key switch
    {
        "dbt_schema_version" => MetadataField.SchemaVersion,
        "dbt_version" => MetadataField.DbtVersion,
        _ => MetadataField.None,
    };

    /// <summary>A key one level below a section: one more entry of it (metadata's keys too, which nobody reads).</summary>
    public void CountEntry(Section section) => _entries[(int)section]++;

    /// <summary>A metadata field's string value.</summary>
    public void Keep(MetadataField field, string value)
    {
        if (field == MetadataField.SchemaVersion)
        {
            SchemaVersionUrl = value;
        }
        else if (field == MetadataField.DbtVersion)
        {
            DbtVersion = value;
        }
    }

    public DbtManifestInfo ToInfo(int schemaVersion, long bytes, string? fingerprint) => new()
    {
        SchemaVersionUrl = SchemaVersionUrl!,
        SchemaVersion = schemaVersion,
        DbtVersion = DbtVersion,
        Nodes = Nodes,
        Sources = Sources,
        Macros = Macros,
        Exposures = Exposures,
        Metrics = Metrics,
        Bytes = bytes,
        Fingerprint = fingerprint,
    };
}
