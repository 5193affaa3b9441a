using Qarion.Client;
using Qarion.Dbt.Manifests;

namespace Qarion.Workflow;

/// <summary>
/// The manifest check plugged into the client's upload: every chunk is checked before it is sent, and
/// the last one leaves only once the whole file passed, so what was checked is exactly what the server
/// received. One per attempt, as the client asks (a retry is checked again from its first byte).
/// </summary>
internal sealed class CheckingInspector(DbtManifestCheckOptions options) : IUploadInspector
{
    private readonly DbtManifestCheck _check = new(options);

    /// <summary>What the check found, once the whole file passed.</summary>
    public DbtManifestInfo? Manifest { get; private set; }

    public void Inspect(ReadOnlySpan<byte> chunk) => _check.Append(chunk);

    public void Complete() => Manifest = _check.Complete();
}
