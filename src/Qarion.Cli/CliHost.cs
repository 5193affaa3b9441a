using Qarion.Client;

namespace Qarion.Cli;

/// <summary>What a run of qarion reads and writes: the environment, the two streams, whether a person watches. A seam for tests, not statics.</summary>
internal sealed class CliHost
{
    public required Func<string, string?> GetEnvironmentVariable { get; init; }

    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>Standard error is a terminal a person watches (not redirected, not a CI log): a progress line is welcome there.</summary>
    public bool Interactive { get; init; }

    /// <summary>A seam for tests: the client's options before the client is made.</summary>
    public Action<QarionClientOptions>? ConfigureClient { get; init; }

    public static CliHost FromConsole() => new()
    {
        GetEnvironmentVariable = Environment.GetEnvironmentVariable,
        Out = Console.Out,
        Error = Console.Error,
        Interactive = IsInteractive(Console.IsErrorRedirected, Environment.GetEnvironmentVariable),
    };

    /// <summary>A person watches standard error: it is a terminal, and neither a CI (which sets CI or TF_BUILD) nor a dumb terminal shows it.</summary>
    public static bool IsInteractive(bool errorRedirected, Func<string, string?> environment) =>
        !errorRedirected && string.IsNullOrEmpty(environment("CI")) && string.IsNullOrEmpty(environment("TF_BUILD")) && environment("TERM") != "dumb";
}
