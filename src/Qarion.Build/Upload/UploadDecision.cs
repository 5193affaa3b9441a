namespace Qarion.Build.Upload;

/// <summary>What a build does with the manifest.</summary>
internal enum UploadAction
{
    /// <summary>Send it: the reason says what makes it new to the catalog.</summary>
    Upload,

    /// <summary>Send nothing: the catalog has exactly this manifest (the stamp says so).</summary>
    Skip,

    /// <summary>Check it, and send nothing (a pull-request build, QarionCheckOnly).</summary>
    CheckOnly,
}

/// <summary>The manifest as the decision sees it: what the file system says, and its content's hash when that is needed.</summary>
internal sealed record ManifestState(long Length, DateTime LastWriteUtc, string? Fingerprint = null);

/// <summary>
/// Whether this build uploads, skips or only checks, and why: decided here and nowhere else, by the
/// normal run, <c>-question</c> and check-only alike. Pure: the caller reads the stamp and the file
/// and, when <see cref="NeedsFingerprint"/> says so, hashes the file; nothing here touches a disk or
/// the network.
/// </summary>
internal sealed record UploadDecision(UploadAction Action, string Reason)
{
    /// <summary>For a skip: the stamp to keep (its file time moved on when dbt rewrote the same content).</summary>
    public UploadStamp? Stamp { get; init; }

    /// <summary>For a skip: the file was rewritten with the same content, so the stamp is written again with the new time.</summary>
    public bool StampRefreshed { get; init; }

    /// <summary>
    /// For a skip of a connector given by name, not yet looked up: it holds only while the name still
    /// belongs to the connector the stamp recorded. A run looks it up and decides again; <c>-question</c>
    /// sends nothing, so it takes the name to be the recorded connector, and says so.
    /// </summary>
    public bool ConnectorUnconfirmed { get; init; }

    /// <summary>True when <see cref="Decide"/> needs the manifest's fingerprint: a stamp that matches in all but the file's time.</summary>
    public static bool NeedsFingerprint(UploadSettings settings, UploadStamp? stamp, ManifestState file) =>
        !settings.CheckOnly && !settings.ForceUpload && stamp is { Fingerprint: not null } && Changed(settings, stamp, file) is null && !stamp.SameFileTime(file.LastWriteUtc);

    /// <param name="connectorId">The connector's id once known (given, or looked up by name); null when a name was not looked up.</param>
    public static UploadDecision Decide(UploadSettings settings, UploadStamp? stamp, ManifestState file, string? connectorId)
    {
        if (settings.CheckOnly)
        {
            return new UploadDecision(UploadAction.CheckOnly, Reporting.Wording.CheckOnlyReason(settings));
        }

        if (settings.ForceUpload)
        {
            return new UploadDecision(UploadAction.Upload, "QarionForceUpload is true");
        }

        if (stamp is null)
        {
            return new UploadDecision(UploadAction.Upload, $"there is no record of an earlier upload ({settings.StampFile ?? "no stamp file"})");
        }

        if (Changed(settings, stamp, file) is { } changed)
        {
            return new UploadDecision(UploadAction.Upload, changed);
        }

        var refreshed = !stamp.SameFileTime(file.LastWriteUtc);
        if (refreshed)
        {
            if (stamp.Fingerprint is null)
            {
                return new UploadDecision(UploadAction.Upload, "the record of the last upload is from an older Qarion.Build (it holds no XXH64), and the manifest was rewritten since");
            }

            if (file.Fingerprint is null)
            {
                throw new ArgumentException("The manifest was rewritten since its upload: its fingerprint is needed to decide (see NeedsFingerprint).", nameof(file));
            }

            if (file.Fingerprint != stamp.Fingerprint)
            {
                return new UploadDecision(UploadAction.Upload, "the manifest's content changed since the last upload");
            }
        }

        var kept = refreshed ? stamp with { LastWriteUtc = file.LastWriteUtc } : stamp;
        if (settings.ConnectorId is null && connectorId is not null && connectorId != stamp.ConnectorId)
        {
            return new UploadDecision(UploadAction.Upload,
                $"the last upload went to connector id {stamp.ConnectorId ?? "(not recorded)"}; '{settings.ConnectorName}' is {connectorId} now");
        }

        return new UploadDecision(UploadAction.Skip, "unchanged since its upload")
        {
            Stamp = kept,
            StampRefreshed = refreshed,
            ConnectorUnconfirmed = settings.ConnectorId is null && connectorId is null,
        };
    }

    /// <summary>A developer build's check needs no read when the manifest has the size and time of the one it last checked.</summary>
    public static bool CheckedAlready(UploadSettings settings, CheckStamp? stamp, ManifestState file) =>
        settings.CheckOnlyCause == CheckOnlyCause.NotCI && stamp is not null && stamp.Bytes == file.Length && stamp.LastWriteUtc == file.LastWriteUtc;

    /// <summary>What differs between the stamp and this build, read without the file's content: its size, or where it goes.</summary>
    private static string? Changed(UploadSettings settings, UploadStamp stamp, ManifestState file)
    {
        if (stamp.Bytes != file.Length)
        {
            return $"the manifest's size changed since the last upload ({stamp.Bytes:N0} bytes then, {file.Length:N0} now)";
        }

        if (stamp.ApiUrl != settings.ApiUrl.AbsoluteUri)
        {
            return $"QarionApiUrl changed since the last upload (it went to {stamp.ApiUrl})";
        }

        if (stamp.Space != settings.Space)
        {
            return $"QarionSpace changed since the last upload (it went to space '{stamp.Space}')";
        }

        return stamp.Connector != settings.ConnectorKey
            ? $"the connector changed since the last upload (it went to {Named(stamp.Connector)})"
            : null;
    }

    private static string Named(string connectorKey) =>
        connectorKey.StartsWith("name:", StringComparison.Ordinal) ? $"the connector named '{connectorKey["name:".Length..]}'" : $"connector id {connectorKey}";
}
