using System.Diagnostics;
using System.Globalization;
using Qarion.Client;
using Qarion.Dbt.Manifests;
using Qarion.Dbt.Manifests.Scanning;
using Qarion.Testing;

// generate PATH BYTES                        writes a valid manifest of about BYTES from a real node
// scan FILE                                 times the manifest check alone (cold and warm), with and without its fingerprint, and the scanner per classifier
// scan-real FILE...                         the scanner over real (small) manifests in memory, repeated
// precheck FILE                             times the check with XXH64 that precedes the upload of a manifest up to 64 MB
// upload URL SPACE CONNECTOR_ID FILE [WARMUP] uploads FILE once, after WARMUP if given (key from QARION_API_KEY); prints seconds and peak RSS
// first-http URL PATH                        the first request of a fresh process with a bare HttpClient: what any .NET client pays once
// first-use URL SPACE FILE                   the task's steps in a fresh process, twice: check + XXH64, client, connector lookup, upload
switch (args.FirstOrDefault())
{
    case "generate":
        var nodes = ManifestGenerator.Write(args[1], long.Parse(args[2], CultureInfo.InvariantCulture));
        Console.WriteLine($"{{\"nodes\": {nodes}, \"bytes\": {new FileInfo(args[1]).Length}}}");
        return 0;
    case "scan":
    {
        // The check as the task runs it (the scanner, file in the page cache), with and without its fingerprint,
        // then Utf8JsonReader alone (what the explainer reads with). Each twice: the first pass of a fresh process includes the JIT.
        foreach (var (name, hash) in new[] { ("fast", false), ("fast", true), ("utf8jsonreader", false) })
        {
            foreach (var pass in new[] { "cold", "warm" })
            {
                var watch = Stopwatch.StartNew();
                var bytesRead = name == "fast"
                    ? (await DbtManifestCheck.CheckFileAsync(args[1], new DbtManifestCheckOptions { Fingerprint = hash })).Bytes
                    : await ReadWithUtf8JsonReaderAsync(args[1]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"check\": \"{name}\", \"fingerprint\": {(hash ? "true" : "false")}, \"pass\": \"{pass}\", \"seconds\": {watch.Elapsed.TotalSeconds:0.000}, \"mb_per_s\": {bytesRead / 1048576.0 / watch.Elapsed.TotalSeconds:0}}}"));
            }
        }

        // The hashes alone: SHA-256 (for comparison) and XXH64 (the fingerprint Qarion.Build's stamp records),
        // each the first time in this process and again.
        foreach (var hash in new[] { "sha256", "xxh64" })
        {
            foreach (var pass in new[] { "cold", "warm" })
            {
                var watch = Stopwatch.StartNew();
                if (hash == "xxh64")
                {
                    await DbtManifestFingerprint.OfFileAsync(args[1]);
                }
                else
                {
                    await using var file = File.OpenRead(args[1]);
                    await System.Security.Cryptography.SHA256.HashDataAsync(file);
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"check\": \"{hash} alone\", \"fingerprint\": false, \"pass\": \"{pass}\", \"seconds\": {watch.Elapsed.TotalSeconds:0.000}, \"mb_per_s\": {new FileInfo(args[1]).Length / 1048576.0 / watch.Elapsed.TotalSeconds:0}}}"));
            }
        }

        // The scanner alone over bytes in memory, with each way of classifying blocks (this machine's best first).
        var bytes = File.ReadAllBytes(args[1]);
        foreach (var kind in new[] { ClassifierKind.Best, ClassifierKind.Vector256, ClassifierKind.Vector128, ClassifierKind.Scalar })
        {
            var seconds = double.MaxValue;
            for (var pass = 0; pass < 2; pass++)
            {
                var watch = Stopwatch.StartNew();
                ScanInMemory(bytes, kind);
                seconds = Math.Min(seconds, watch.Elapsed.TotalSeconds);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"check\": \"scanner in memory, {BlockClassifier.Resolve(kind)}\", \"sha256\": false, \"pass\": \"warm\", \"seconds\": {seconds:0.000}, \"mb_per_s\": {bytes.Length / 1048576.0 / seconds:0}}}"));
        }

        return 0;
    }

    case "scan-real":
        // A real manifest is a few MB: it is scanned over and over from memory (200 MB in all), best of three.
        foreach (var file in args.Skip(1))
        {
            var data = File.ReadAllBytes(file);
            var best = double.MaxValue;
            for (var pass = 0; pass < 3; pass++)
            {
                var watch = Stopwatch.StartNew();
                long total = 0;
                while (total < 200_000_000)
                {
                    ScanInMemory(data, ClassifierKind.Best);
                    total += data.Length;
                }

                best = Math.Min(best, watch.Elapsed.TotalSeconds / total);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"file\": \"{Path.GetFileName(file)}\", \"bytes\": {data.Length}, \"mb_per_s\": {1 / best / 1048576.0:0}}}"));
        }

        return 0;
    case "precheck":
    {
        // What the task does before sending a manifest of up to 64 MB: the whole-file check and its XXH64.
        // The first pass of a fresh process (as in a build, JIT included), then the median of ten more.
        var times = new List<double>();
        for (var pass = 0; pass < 11; pass++)
        {
            var watch = Stopwatch.StartNew();
            await DbtManifestCheck.CheckFileAsync(args[1], new DbtManifestCheckOptions { Fingerprint = args.Length < 3 || args[2] != "nohash" });
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        var warm = times.Skip(1).Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"bytes\": {new FileInfo(args[1]).Length}, \"cold_ms\": {times[0]:0.0}, \"warm_median_ms\": {warm[warm.Count / 2]:0.0}, \"warm_min_ms\": {warm[0]:0.0}}}"));
        return 0;
    }

    case "upload":
        using (var client = new QarionClient(new QarionClientOptions { BaseUrl = new Uri(args[1]), RequestTimeout = TimeSpan.FromMinutes(10) }))
        {
            // One small upload first, so the figure is the transfer and not the JIT of a fresh process.
            if (args.Length > 5)
            {
                await client.Connectors.UploadDbtManifestAsync(args[2], args[3], args[5]);
            }

            var clock = Stopwatch.StartNew();
            // Checked: as Qarion.Build sends a large manifest, checked while sent and fingerprinted for its stamp.
            var check = Environment.GetEnvironmentVariable("QARION_BENCH_CHECK") == "true";
            var result = await client.Connectors.UploadDbtManifestAsync(args[2], args[3], args[4], check ? new CheckedUpload(args[4]).Options : new DbtManifestUploadOptions());
            clock.Stop();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"seconds\": {clock.Elapsed.TotalSeconds:0.0000}, \"bytes\": {result.Bytes}, \"peak_rss_kb\": {PeakRssKb()}, \"job\": \"{result.Job.Id}\"}}"));
        }

        return 0;
    case "first-http":
    {
        var watch = Stopwatch.StartNew();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(args[1]), args[2]));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Environment.GetEnvironmentVariable("QARION_API_KEY"));
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"status\": {(int)response.StatusCode}, \"ms\": {watch.Elapsed.TotalMilliseconds:0.0}}}"));
        return 0;
    }

    case "first-use":
    {
        // Where the fixed cost of an upload goes: each step the first time in a process (JIT, first use of
        // HTTP and JSON), then again warm.
        var rounds = new List<string>();
        for (var round = 0; round < 2; round++)
        {
            var watch = Stopwatch.StartNew();
            double Lap()
            {
                var ms = watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                return ms;
            }

            var checkedFirst = await DbtManifestCheck.CheckFileAsync(args[3], new DbtManifestCheckOptions { Fingerprint = true });
            var check = Lap();
            using var client = new QarionClient(new QarionClientOptions { BaseUrl = new Uri(args[1]) });
            var create = Lap();
            var connectors = await client.Connectors.ListAsync(args[2]);
            var lookup = Lap();
            await client.Connectors.UploadDbtManifestAsync(args[2], connectors[0].Id, args[3], new CheckedUpload(args[3], checkedFirst.Fingerprint).Options);
            var upload = Lap();
            rounds.Add(string.Create(CultureInfo.InvariantCulture,
                $"\"{(round == 0 ? "first" : "again")}\": {{\"check_and_hash_ms\": {check:0.0}, \"client_ms\": {create:0.0}, \"lookup_ms\": {lookup:0.0}, \"upload_ms\": {upload:0.0}}}"));
        }

        Console.WriteLine($"{{\"bytes\": {new FileInfo(args[3]).Length}, {string.Join(", ", rounds)}}}");
        return 0;
    }

    default:
        Console.Error.WriteLine("usage: generate PATH BYTES | upload URL SPACE CONNECTOR_ID FILE");
        return 2;
}

// The scanner alone over bytes already in memory, in the chunks a file read would give it.
static void ScanInMemory(byte[] bytes, ClassifierKind kind)
{
    var scanner = new ManifestScanner(kind);
    for (var at = 0; at < bytes.Length; at += 256 * 1024)
    {
        scanner.Append(bytes.AsSpan(at, Math.Min(256 * 1024, bytes.Length - at)));
    }

    scanner.Complete();
}

// Utf8JsonReader alone over the file, token by token (what the explainer reads with): the bytes read.
static async Task<long> ReadWithUtf8JsonReaderAsync(string path)
{
    var bytes = await File.ReadAllBytesAsync(path);
    var reader = new System.Text.Json.Utf8JsonReader(bytes, new System.Text.Json.JsonReaderOptions { MaxDepth = DbtManifestCheck.MaxDepth });
    while (reader.Read())
    {
    }

    return reader.BytesConsumed;
}

static long PeakRssKb()
{
    var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    return line is null ? -1 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
