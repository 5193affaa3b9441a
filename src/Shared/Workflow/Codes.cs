namespace Qarion.Workflow;

/// <summary>
/// Every diagnostic the task and the command line can raise. Each code has a section of docs/diagnostics.md (#qrnNNNN)
/// with its cause and fix; the help link points there. Codes are never reused.
/// </summary>
internal static class Codes
{
    // 1xxx: the manifest file. Always errors (a warning at most for a newer schema): they are build problems, not outages.
    public const string ManifestMissing = "QRN1001";
    public const string ManifestEmpty = "QRN1002";
    public const string ManifestInvalidJson = "QRN1003";
    public const string NotAManifest = "QRN1004";
    public const string NewerSchema = "QRN1005";
    public const string ManifestUnreadable = "QRN1006";
    public const string ManifestChanged = "QRN1007";

    // 11xx: configuration. Always errors.
    public const string SpaceMissing = "QRN1101";
    public const string ConnectorChoice = "QRN1102";
    public const string ApiKeyMissing = "QRN1103";
    public const string BadApiUrl = "QRN1104";
    public const string BadNumber = "QRN1105";
    public const string ApiKeyMalformed = "QRN1106";

    // 2xxx: the service. Errors, or warnings with QarionAllowFailure=true.
    public const string Unauthorized = "QRN2001";
    public const string Forbidden = "QRN2002";
    public const string NotFound = "QRN2003";
    public const string ConnectorNameUnknown = "QRN2004";
    public const string ConnectorNameAmbiguous = "QRN2005";
    public const string RateLimited = "QRN2006";
    public const string ServerError = "QRN2007";
    public const string Timeout = "QRN2008";
    public const string ConnectionFailed = "QRN2009";
    public const string TooLarge = "QRN2010";
    public const string Refused = "QRN2011";
    public const string AnswerLacksField = "QRN2012";
    public const string CertificateRefused = "QRN2013";
    public const string SyncFailed = "QRN2101";
    public const string SyncTimeout = "QRN2102";

    // 3xxx: the build setup. Warnings.
    public const string HookTargetDidNotRun = "QRN3001";
    public const string UnsupportedMSBuild = "QRN3002";
    public const string StampNotWritten = "QRN3003";
    public const string QuestionWouldUpload = "QRN3004";
    public const string SummaryNotWritten = "QRN3005";

    // 4xxx: the dbt step (QarionDbtCommand). What dbt found is an error or a warning on the file of the node.
    public const string DbtNodeError = "QRN4001";
    public const string DbtTestFailed = "QRN4002";
    public const string DbtTestWarned = "QRN4003";
    public const string DbtFailedWithoutResults = "QRN4004";
    public const string DbtNotFound = "QRN4005";
    public const string DbtTimedOut = "QRN4006";
    public const string DbtSetting = "QRN4007";
    public const string DbtResultsUnread = "QRN4008";
    public const string DbtWouldRun = "QRN4009";

    // 5xxx: the command line (qarion). Usage errors.
    public const string Usage = "QRN5001";
    public const string BadOptionValue = "QRN5002";

    /// <summary>The code's section under the base the targets hand the task (_QarionHelpBase), or none without one.</summary>
    public static string? HelpLink(string code, string? helpBase) =>
        string.IsNullOrWhiteSpace(helpBase) ? null : helpBase.Trim() + code.ToLowerInvariant();
}
