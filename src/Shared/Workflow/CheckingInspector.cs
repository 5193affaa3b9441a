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
    /// <summary>
    /// Files up to this size are checked whole before any request, so a bad one costs no request at
    /// all. Larger ones are checked while they are sent (one pass), and a bad one aborts the request.
    /// </summary>
    public const long CheckFirstLimit = 64L * 1024 * 1024;

    private readonly DbtManifestCheck _check = new(options);

    /// <summary>What the check found, once the whole file passed.</summary>
    public DbtManifestInfo? Manifest { get; private set; }

    public void Inspect(ReadOnlySpan<byte> chunk) => _check.Append(chunk);

    public void Complete() => Manifest = _check.Complete();
}
