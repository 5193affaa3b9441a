namespace Qarion.Client.Http;

/// <summary>
/// Files that several projects of one build write in turn (the shared rate-limit state, the CI run
/// summary) are opened with <see cref="FileShare.None"/>, an exclusive lock across processes.
/// </summary>
internal static class FileLocks
{
    /// <summary>
    /// Whether opening failed because another process holds the file: worth a short wait. Windows says
    /// so with a sharing or lock violation (32, 33); .NET on Unix with the errno of a refused lock,
    /// EWOULDBLOCK (11 on Linux, 35 on macOS). Anything else does not pass by waiting.
    /// </summary>
    public static bool IsHeldByAnother(IOException exception) =>
        (exception.HResult & 0xFFFF) is 32 or 33 || (!OperatingSystem.IsWindows() && exception.HResult is 11 or 35);
}
