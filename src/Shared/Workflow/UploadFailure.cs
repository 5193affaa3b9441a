namespace Qarion.Workflow;

/// <summary>
/// A coded failure of the upload, raised by the work and reported once by the task. Service failures
/// may be downgraded to warnings (QarionAllowFailure); manifest and configuration failures may not.
/// </summary>
internal sealed class UploadFailure(string code, string message, bool isServiceFailure, string? file = null, long line = 0, long column = 0)
    : Exception(message)
{
    public string Code { get; } = code;

    public bool IsServiceFailure { get; } = isServiceFailure;

    /// <summary>The file the diagnostic points at (the manifest), so IDEs and CI logs can link to it.</summary>
    public string? File { get; } = file;

    public long Line { get; } = line;

    public long Column { get; } = column;

    /// <summary>The exception behind this failure, logged whole at low importance (scrubbed like everything else).</summary>
    public Exception? Cause { get; private set; }

    public UploadFailure WithCause(Exception cause)
    {
        Cause = cause;
        return this;
    }

    public static UploadFailure Config(string code, string message) => new(code, message, isServiceFailure: false);

    public static UploadFailure Service(string code, string message) => new(code, message, isServiceFailure: true);
}
