namespace Qarion.Dbt.Manifests;

/// <summary>What a <see cref="DbtManifestCheck"/> does besides deciding.</summary>
public sealed class DbtManifestCheckOptions
{
    /// <summary>Take the bytes' fingerprint (<see cref="DbtManifestInfo.Fingerprint"/>) while they are checked.</summary>
    public bool Fingerprint { get; set; }

    /// <summary>
    /// The fingerprint of the bytes a check passed before: <see cref="DbtManifestCheck.Complete"/> throws
    /// <see cref="DbtManifestProblem.Changed"/> when these bytes have another, so a caller that sends
    /// what it checks knows it sends exactly what it checked earlier. Implies <see cref="Fingerprint"/>.
    /// </summary>
    public string? ExpectedFingerprint { get; set; }

    /// <summary>
    /// The file the chunks come from. A broken file is then read again, with
    /// <see cref="System.Text.Json.Utf8JsonReader"/>, to say what is wrong with its line and column; without
    /// it, the error says the byte only. <see cref="DbtManifestCheck.CheckFileAsync"/> sets it itself.
    /// </summary>
    public string? ExplainFrom { get; set; }
}
