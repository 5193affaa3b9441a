namespace Qarion.LocalServer.Hosting;

/// <summary>Reads <see cref="LocalServerOptions"/> from arguments, falling back on environment variables.</summary>
public static class CommandLine
{
    public const string Usage = """
        Qarion local server: a Qarion-compatible API in memory on 127.0.0.1, for trying Qarion.Build without an account.

        Usage: dotnet run --project src/Qarion.LocalServer -- [options]

          --port N                 port to listen on (default 0: a free port; the URL is printed)
          --api-key KEY[=S1,S2][:readonly]
                                   a key the server accepts, optionally only for spaces S1,S2, optionally read-only
                                   (repeatable; default: the value of QARION_API_KEY)
          --space SLUG             a space (repeatable; env QARION_LOCAL_SPACES=a,b)
          --connector SPACE/NAME[:TYPE][=ID]
                                   a connector present at start, type dbt_manifest unless given
                                   (repeatable; env QARION_LOCAL_CONNECTORS=a/x;b/y)
          --rate-limit N           requests per key per minute, a token bucket (default 1000)
          --rate-limit-burst N     requests a key may send at once (default: the rate limit)
          --sync-ms N              how long a sync job runs (default 400)
          --max-upload-mb N        answer 413 above this size (default: no limit)
          --url-file PATH          write the URL to PATH once listening
          --odd-shapes             answer with legal but unexpected JSON: dates with a space or as Unix numbers,
                                   12.0 for 12, "yes" for true, numeric or missing ids, non-object list entries
          --discard-uploads        drain and hash upload bodies without parsing them (benchmarks: the server costs little CPU)
          --path-base PATH         serve the API under PATH (e.g. /qarion), as behind a gateway; other paths are 404
          --log                    print one line per request
          --help                   this text

        Spaces named by --connector are created too. Stop with Ctrl+C.
        """;

    public static LocalServerOptions Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var options = new LocalServerOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value. See --help.");
            switch (arg)
            {
                case "--port": options.Port = Int(arg, Value()); break;
                case "--api-key": options.ApiKeys.Add(ParseKey(Value())); break;
                case "--space": options.Spaces.Add(Value()); break;
                case "--connector": options.Connectors.Add(ParseConnector(Value())); break;
                case "--rate-limit": options.RateLimit = Int(arg, Value()); break;
                case "--rate-limit-burst": options.RateLimitBurst = Int(arg, Value()); break;
                case "--sync-ms": options.SyncDuration = TimeSpan.FromMilliseconds(Int(arg, Value())); break;
                case "--max-upload-mb": options.MaxUploadBytes = Int(arg, Value()) * 1024L * 1024L; break;
                case "--url-file": options.UrlFile = Value(); break;
                case "--path-base": options.PathBase = Value(); break;
                case "--log": options.LogRequests = true; break;
                case "--odd-shapes": options.OddShapes = true; break;
                case "--discard-uploads": options.DiscardUploads = true; break;
                default: throw new ArgumentException($"Unknown option '{arg}'. See --help.");
            }
        }

        if (options.ApiKeys.Count == 0 && environment("QARION_API_KEY") is { Length: > 0 } key)
        {
            options.ApiKeys.Add(new ApiKeyGrant(key, null, false));
        }

        if (options.ApiKeys.Count == 0)
        {
            throw new ArgumentException("No API key to accept: pass --api-key KEY or set QARION_API_KEY.");
        }

        if (options.Spaces.Count == 0 && environment("QARION_LOCAL_SPACES") is { Length: > 0 } spaces)
        {
            options.Spaces.AddRange(spaces.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        if (options.Connectors.Count == 0 && environment("QARION_LOCAL_CONNECTORS") is { Length: > 0 } connectors)
        {
            options.Connectors.AddRange(connectors.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseConnector));
        }

        return options;
    }

    private static int Int(string option, string text) =>
        int.TryParse(text, out var n) && n >= 0 ? n : throw new ArgumentException($"{option} takes a whole number, not '{text}'.");

    private static ApiKeyGrant ParseKey(string text)
    {
        var readOnly = text.EndsWith(":readonly", StringComparison.Ordinal);
        if (readOnly)
        {
            text = text[..^":readonly".Length];
        }

        var eq = text.IndexOf('=');
        if (eq < 0)
        {
            return new ApiKeyGrant(text, null, readOnly);
        }

        var spaces = text[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new ApiKeyGrant(text[..eq], new HashSet<string>(spaces, StringComparer.Ordinal), readOnly);
    }

    private static SeedConnector ParseConnector(string text)
    {
        string? id = null;
        var eq = text.LastIndexOf('=');
        if (eq > 0)
        {
            id = text[(eq + 1)..];
            text = text[..eq];
        }

        var type = "dbt_manifest";
        var colon = text.LastIndexOf(':');
        if (colon > 0)
        {
            type = text[(colon + 1)..];
            text = text[..colon];
        }

        var slash = text.IndexOf('/');
        if (slash <= 0 || slash == text.Length - 1)
        {
            throw new ArgumentException($"--connector takes SPACE/NAME[:TYPE][=ID], not '{text}'.");
        }

        return new SeedConnector(text[..slash], text[(slash + 1)..], type, id);
    }
}
