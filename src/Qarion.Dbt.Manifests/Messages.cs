namespace Qarion.Dbt.Manifests;

/// <summary>Every finding the check and the explainer both can make, worded once.</summary>
internal static class Messages
{
    public static DbtManifestException TopLevelNotAnObject(string what) => new(
        DbtManifestProblem.NotAManifest, $"The file is JSON but not a dbt manifest: its top level is {what}, not an object.");

    public static DbtManifestException OnlyWhiteSpace() => new(DbtManifestProblem.Empty, "The file holds only white space.");

    public static DbtManifestException OtherEncoding(string encoding) => new(
        DbtManifestProblem.InvalidJson,
        $"The file is {encoding}, not UTF-8: dbt writes manifest.json in UTF-8, so it was re-encoded by something else (an editor, a PowerShell redirect). Regenerate it with `dbt parse`.",
        1, 0, 1);
}
