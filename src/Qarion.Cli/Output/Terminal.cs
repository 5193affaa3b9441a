using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Qarion.Client.Http;

namespace Qarion.Cli.Output;

/// <summary>
/// Everything qarion prints goes through here: scrubbed of the API key, and inert for a CI log (server
/// text is data, never a command). Results go to standard output; notes, progress and errors to
/// standard error, so `--output json` leaves exactly one document on standard output.
/// </summary>
internal sealed partial class Terminal(CliHost host, OutputFormat format)
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        // Names as typed (é, not \u00E9); what JSON itself must escape still is.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private SecretScrubber? _scrubber;
    private bool _progressShown;

    public OutputFormat Format => format;

    public bool Json => format == OutputFormat.Json;

    /// <summary>From the moment the key is read, every line is scrubbed of it (and of its encoded forms).</summary>
    public void Hide(string? key)
    {
        if (!string.IsNullOrEmpty(key))
        {
            _scrubber = new SecretScrubber(key);
        }
    }

    /// <summary>A result line (table output).</summary>
    public void Line(string text)
    {
        ClearProgress();
        host.Out.WriteLine(ServerText.Neutralize(Scrub(text)));
    }

    /// <summary>The one JSON document of a run.</summary>
    public void Document(JsonNode document)
    {
        ClearProgress();
        host.Out.WriteLine(InertJson(Scrub(document.ToJsonString(Indented))));
    }

    /// <summary>A note along the way (a retry, a wait): standard error.</summary>
    public void Note(string text)
    {
        ClearProgress();
        host.Error.WriteLine(ServerText.Neutralize(Scrub(text)));
    }

    /// <summary>
    /// A failure: one line with its code on standard error, as a compiler says it (file(line,column): error
    /// CODE: message), so terminals and CI logs link to the place; with --output json the error document too.
    /// </summary>
    public void Failure(string? code, string message, int exitCode, string? file = null, long line = 0, long column = 0)
    {
        ClearProgress();
        var text = ServerText.Neutralize(Scrub(message));
        var where = file is null ? "" : line > 0 ? $"{file}({line},{column}): " : file + ": ";
        host.Error.WriteLine(ServerText.Neutralize(Scrub(where)) + (code is null ? $"error: {text}" : $"error {code}: {text}"));
        if (Json)
        {
            var error = new JsonObject { ["code"] = code, ["message"] = text, ["exit_code"] = exitCode };
            if (file is not null)
            {
                error["file"] = file;
                error["line"] = line > 0 ? line : null;
                error["column"] = line > 0 ? column : null;
            }

            Document(new JsonObject { ["error"] = error });
        }
    }

    /// <summary>The progress line: only on a terminal a person watches, written over itself.</summary>
    public void Progress(string text)
    {
        if (!host.Interactive)
        {
            return;
        }

        host.Error.Write("\r" + ServerText.Neutralize(Scrub(text)).PadRight(79));
        _progressShown = true;
    }

    public void ClearProgress()
    {
        if (_progressShown)
        {
            host.Error.Write("\r" + new string(' ', 79) + "\r");
            _progressShown = false;
        }
    }

    public string Scrub(string text) => _scrubber?.Scrub(text) ?? text;

    /// <summary>
    /// A CI log command can only sit inside a JSON string here; written with the bracket as its JSON
    /// escape, the document parses to the same data and the log line is inert.
    /// </summary>
    internal static string InertJson(string json) => LogCommand().Replace(json, m => m.Value[..^1] + "\\u005B");

    [GeneratedRegex(@"##(vso)?\[", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LogCommand();
}

internal enum OutputFormat
{
    Table,
    Json,
}
