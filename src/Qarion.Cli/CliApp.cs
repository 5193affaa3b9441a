using System.CommandLine;
using Qarion.Cli.Commands;
using Qarion.Workflow;

namespace Qarion.Cli;

/// <summary>
/// qarion's command tree and how a run ends: each failure one line with its code and an exit code of its
/// class (<see cref="ExitCodes"/>); Ctrl+C cancels at once.
/// </summary>
internal sealed class CliApp(CliHost host)
{
    public RootCommand Root()
    {
        var root = new RootCommand("qarion: the Qarion data catalog's connectors and the checked dbt manifest upload, from the command line.\n" +
            $"The API key is read from ${Defaults.ApiKeyEnvironmentVariable} (or the variable --api-key-env names), never from an argument.\n" +
            "Exit codes: 0 done, 1 refused by the server, 2 usage, 3 bad or missing manifest, 4 not found, 5 key refused or not allowed,\n" +
            "6 rate limited or unavailable, 7 sync failed, 130 cancelled. Every error has a QRN code: docs/diagnostics.md.");
        var connectors = new Command("connectors", "List, show, create, change, delete and sync a space's connectors; upload a dbt manifest.");
        foreach (var command in ConnectorCommands.All(this).Concat(SyncCommands.All(this)).Append(UploadCommand.Create(this)))
        {
            connectors.Subcommands.Add(command);
        }

        root.Subcommands.Add(connectors);
        root.Subcommands.Add(TypesCommand.Create(this));
        foreach (var option in new Option[] { CommonOptions.Space, CommonOptions.ApiUrl, CommonOptions.ApiKeyEnv, CommonOptions.Output, CommonOptions.Timeout, CommonOptions.Retries })
        {
            root.Options.Add(option);
        }

        return root;
    }

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        // No response files: @file.json is --config's own syntax, and an argument never becomes other arguments.
        var parsed = Root().Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            var terminal = new Output.Terminal(host, SafeFormat(parsed));
            terminal.Failure(Codes.Usage, string.Join(" ", parsed.Errors.Select(e => e.Message.TrimEnd('.') + ".")) + " See `qarion --help`, or --help after a command.", ExitCodes.Usage);
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration
        {
            Output = host.Out,
            Error = host.Error,
            EnableDefaultExceptionHandler = false,
            // Ctrl+C is ours to handle (Program): the token is cancelled and the run ends with 130 at once.
            ProcessTerminationTimeout = null,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The action of a command: its work, and every way it can end turned into a line and an exit code.</summary>
    public Func<ParseResult, CancellationToken, Task<int>> Action(Func<Invocation, CancellationToken, Task> work) => async (parsed, cancellationToken) =>
    {
        var run = new Invocation(parsed, host);
        try
        {
            await work(run, cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            run.Terminal.Failure(null, "cancelled (Ctrl+C); a request on its way may or may not have reached the server.", ExitCodes.Cancelled);
            return ExitCodes.Cancelled;
        }
        catch (UploadFailure failure)
        {
            return Fail(run, failure);
        }
        catch (Exception ex) when (FailureMapper.From(ex, run.Settings ?? Fallback(run)) is { } failure)
        {
            return Fail(run, failure);
        }
        catch (Exception ex)
        {
            // Not a failure we know: a fault of qarion. The whole exception, scrubbed, for the report.
            run.Terminal.Failure(null, $"qarion failed unexpectedly; please report it with this text: {ex}", ExitCodes.Internal);
            return ExitCodes.Internal;
        }
    };

    private static int Fail(Invocation run, UploadFailure failure)
    {
        var exitCode = ExitCodes.For(failure.Code);
        run.Terminal.Failure(failure.Code, failure.Message, exitCode, failure.File, failure.Line, failure.Column);
        return exitCode;
    }

    private static CliSettings Fallback(Invocation run) => new() { ApiKeyEnvironmentVariable = run.KeyVariable, ApiUrl = new Uri(Qarion.Client.QarionClientOptions.DefaultBaseUrl) };

    private static Output.OutputFormat SafeFormat(ParseResult parsed)
    {
        try
        {
            return CommonOptions.Format(parsed);
        }
        catch (InvalidOperationException)
        {
            return Output.OutputFormat.Table;
        }
    }
}
