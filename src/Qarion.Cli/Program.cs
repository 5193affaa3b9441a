using System.Runtime.InteropServices;
using Qarion.Cli;

// Ctrl+C and SIGTERM cancel the run at once: requests stop, a dbt upload is cut off, the exit code is 130.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancel.Cancel();
});

return await new CliApp(CliHost.FromConsole()).RunAsync(args, cancel.Token);
