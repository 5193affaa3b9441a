using Qarion.Workflow;

namespace Qarion.Cli;

/// <summary>
/// The exit code of each class of outcome, so a script can tell them apart (docs/cli.md, "Exit codes").
/// The class follows from the diagnostic's code: one decision, made here.
/// </summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The server refused the request for a reason of its own (a bad payload, a conflict, a file too large, an odd answer).</summary>
    public const int Refused = 1;

    /// <summary>The command line or a setting cannot be used: an unknown option, a missing --space, a bad URL, no API key.</summary>
    public const int Usage = 2;

    /// <summary>The manifest is missing, unreadable or not a valid dbt manifest: nothing was sent.</summary>
    public const int BadManifest = 3;

    /// <summary>The space or the connector does not exist, or a name matches none or several.</summary>
    public const int NotFound = 4;

    /// <summary>The key was refused (401) or lacks the right (403).</summary>
    public const int Access = 5;

    /// <summary>Rate limited, the service failing or unreachable, a deadline passed: worth trying again later.</summary>
    public const int Unavailable = 6;

    /// <summary>The sync job failed, or did not finish within --wait-timeout.</summary>
    public const int SyncFailed = 7;

    /// <summary>A fault of qarion itself: the message says so and asks for a report.</summary>
    public const int Internal = 70;

    /// <summary>Ctrl+C or SIGTERM: 128 + SIGINT, as shells report it.</summary>
    public const int Cancelled = 130;

    public static int For(string code) => code switch
    {
        Codes.Unauthorized or Codes.Forbidden => Access,
        Codes.NotFound or Codes.ConnectorNameUnknown or Codes.ConnectorNameAmbiguous => NotFound,
        Codes.RateLimited or Codes.ServerError or Codes.Timeout or Codes.ConnectionFailed or Codes.CertificateRefused => Unavailable,
        Codes.SyncFailed or Codes.SyncTimeout => SyncFailed,
        _ when code.StartsWith("QRN10", StringComparison.Ordinal) => BadManifest,
        _ when code.StartsWith("QRN11", StringComparison.Ordinal) || code.StartsWith("QRN5", StringComparison.Ordinal) => Usage,
        _ => Refused,
    };
}
