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

LocalQarionServer server;
try
{
    server = await LocalQarionServer.StartAsync(options);
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
    var spaces = options.Spaces.Concat(options.Connectors.Select(c => c.Space)).Distinct().ToList();
    Console.WriteLine($"  spaces: {(spaces.Count == 0 ? "(none: add some with --space or --connector)" : string.Join(", ", spaces))}");
    foreach (var c in options.Connectors)
    {
        Console.WriteLine($"  connector: {c.Space}/{c.Name} ({c.ConnectorType})");
    }

    Console.WriteLine($"  keys accepted: {options.ApiKeys.Count}; rate limit {options.RateLimit}/min. Ctrl+C stops.");
    // The host stops on Ctrl+C, SIGTERM and SIGQUIT.
    await server.WaitForShutdownAsync(CancellationToken.None);
    Console.WriteLine("Qarion local server stopped.");
}

return 0;
