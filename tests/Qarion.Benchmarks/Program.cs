using System.Diagnostics;
using System.Globalization;
using Qarion.Client;
using Qarion.Tests.Shared;

// generate PATH BYTES                        writes a valid manifest of about BYTES from a real node
// scan FILE                                 times the manifest check alone, with and without SHA-256
// upload URL SPACE CONNECTOR_ID FILE [WARMUP] uploads FILE once, after WARMUP if given (key from QARION_API_KEY); prints seconds and peak RSS
switch (args.FirstOrDefault())
{
    case "generate":
        var nodes = ManifestGenerator.Write(args[1], long.Parse(args[2], CultureInfo.InvariantCulture));
        Console.WriteLine($"{{\"nodes\": {nodes}, \"bytes\": {new FileInfo(args[1]).Length}}}");
        return 0;
    case "scan":
        // The check as the task runs it (fast scanner), with and without SHA-256, then Utf8JsonReader alone (the precise path).
        foreach (var (name, hash) in new[] { ("fast", false), ("fast", true), ("utf8jsonreader", false) })
        {
            var watch = Stopwatch.StartNew();
            var info = name == "fast"
                ? await Qarion.Client.Manifests.DbtManifestReader.ReadFileAsync(args[1], hash)
                : await ReadPreciseAsync(args[1]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"check\": \"{name}\", \"sha256\": {(hash ? "true" : "false")}, \"seconds\": {watch.Elapsed.TotalSeconds:0.000}, \"mb_per_s\": {info.Bytes / 1048576.0 / watch.Elapsed.TotalSeconds:0}}}"));
        }

        return 0;
    case "upload":
        using (var client = new QarionClient(new QarionClientOptions { BaseUrl = new Uri(args[1]), RequestTimeout = TimeSpan.FromMinutes(10) }))
        {
            // One small upload first, so the figure is the transfer and not the JIT of a fresh process.
            if (args.Length > 5)
            {
                await client.Connectors.UploadDbtManifestAsync(args[2], args[3], args[5]);
            }

            var clock = Stopwatch.StartNew();
            var check = Environment.GetEnvironmentVariable("QARION_BENCH_CHECK") == "true";
            var result = await client.Connectors.UploadDbtManifestAsync(args[2], args[3], args[4], new DbtManifestUploadOptions { CheckManifest = check });
            clock.Stop();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"seconds\": {clock.Elapsed.TotalSeconds:0.0000}, \"bytes\": {result.Bytes}, \"peak_rss_kb\": {PeakRssKb()}, \"job\": \"{result.Job.Id}\"}}"));
        }

        return 0;
    default:
        Console.Error.WriteLine("usage: generate PATH BYTES | upload URL SPACE CONNECTOR_ID FILE");
        return 2;
}

static async Task<Qarion.Client.Manifests.DbtManifestInfo> ReadPreciseAsync(string path)
{
    var reader = new Qarion.Client.Manifests.DbtManifestReader();
    await using var file = File.OpenRead(path);
    var buffer = new byte[256 * 1024];
    int read;
    while ((read = await file.ReadAsync(buffer)) > 0)
    {
        reader.Append(buffer.AsSpan(0, read));
    }

    return reader.Complete();
}

static long PeakRssKb()
{
    var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    return line is null ? -1 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
