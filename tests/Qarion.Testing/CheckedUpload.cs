using Qarion.Client;
using Qarion.Dbt.Manifests;

namespace Qarion.Testing;

/// <summary>
/// A client upload with the manifest check plugged into its inspector hook, as a user of both packages
/// writes it (and as Qarion.Build does): every chunk is checked before it is sent.
/// </summary>
public sealed class CheckedUpload
{
    private Inspector? _last;

    /// <param name="explainFrom">The file, to explain a broken one with line and column.</param>
    /// <param name="expectedFingerprint">The fingerprint the bytes sent must have.</param>
    public CheckedUpload(string? explainFrom = null, string? expectedFingerprint = null)
    {
        var check = new DbtManifestCheckOptions { Fingerprint = true, ExpectedFingerprint = expectedFingerprint, ExplainFrom = explainFrom };
        Options = new DbtManifestUploadOptions { CreateInspector = () => _last = new Inspector(new DbtManifestCheck(check)) };
    }

    public DbtManifestUploadOptions Options { get; }

    /// <summary>What the last attempt's check found, once the whole file passed.</summary>
    public DbtManifestInfo? Manifest => _last?.Manifest;

    private sealed class Inspector(DbtManifestCheck check) : IUploadInspector
    {
        public DbtManifestInfo? Manifest { get; private set; }

        public void Inspect(ReadOnlySpan<byte> chunk) => check.Append(chunk);

        public void Complete() => Manifest = check.Complete();
    }
}
