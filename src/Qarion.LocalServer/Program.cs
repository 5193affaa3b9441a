using Qarion.LocalServer.Hosting;

LocalServerOptions options;
try
{
    if (args.Contains("--help") || args.Contains("-h"))
    {
        Console.WriteLine(CommandLine.Usage);
        return 0;
    }

    options = CommandLine.Parse(args, Environment.GetEnvironmentVariable);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"qarion-local-server: {ex.Message}");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();

LocalQarionServer server;
try
{
    server = await LocalQarionServer.StartAsync(options, stop.Token);
}
catch (InvalidOperationException ex)
{
    Console.Error.WriteLine($"qarion-local-server: {ex.Message}");
    return 1;
}

await using (server)
{
    var url = server.Url.ToString().TrimEnd('/');
    Console.WriteLine($"Qarion local server listening on {url}");
    Console.WriteLine($"  spaces: {string.Join(", ", options.Spaces.Concat(options.Connectors.Select(c => c.Space)).Distinct())}");
    foreach (var c in options.Connectors)
    {
        Console.WriteLine($"  connector: {c.Space}/{c.Name} ({c.ConnectorType})");
    }

    Console.WriteLine($"  keys accepted: {options.ApiKeys.Count}; rate limit {options.RateLimit}/min. Ctrl+C stops.");
    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token);
    }
    catch (OperationCanceledException)
    {
    }

    Console.WriteLine("Qarion local server stopped.");
}

return 0;
