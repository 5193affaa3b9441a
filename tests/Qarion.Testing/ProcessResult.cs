namespace Qarion.Testing;

/// <summary>The outcome of a child dotnet process: exit code and everything it printed.</summary>
public sealed record ProcessResult(int ExitCode, string Output)
{
    public bool Has(string code) => Output.Contains(code, StringComparison.Ordinal);

    public override string ToString() => $"exit {ExitCode}\n{Output}";
}
