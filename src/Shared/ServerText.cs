using System.Text;

namespace Qarion.Client.Http;

/// <summary>
/// Text that came from a server (or a proxy) is data, never a command: before it reaches a message, a
/// log line or a run summary, line breaks and other control characters are folded to spaces, and the
/// CI log commands are made inert: Azure Pipelines acts on <c>##vso[</c> anywhere in a line and on a
/// line starting <c>##[</c>; GitHub Actions on a line starting <c>::</c>.
/// </summary>
internal static class ServerText
{
    /// <summary>One line, inert.</summary>
    public static string Neutralize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        var folded = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var control = char.IsControl(c) || c is '\u2028' or '\u2029';
            if (!control)
            {
                folded.Append(c);
            }
            else if (folded.Length > 0 && folded[^1] != ' ')
            {
                folded.Append(' ');
            }
        }

        return Inert(folded.ToString());
    }

    /// <summary>
    /// Whether decoded text is not text at all (a compressed or binary body): bytes that were not UTF-8, or
    /// control characters beyond tabs and line breaks. Such a body is described, never quoted.
    /// </summary>
    public static bool IsNotText(string text)
    {
        var odd = 0;
        foreach (var c in text)
        {
            if (c == '\uFFFD' || (char.IsControl(c) && c is not ('\t' or '\r' or '\n')))
            {
                odd++;
            }
        }

        return odd > 0 && odd * 100 >= text.Length;
    }

    /// <summary>Each line inert, the lines kept (for a whole exception with its stack, at low importance).</summary>
    public static string NeutralizeLines(string? text) =>
        string.Join('\n', (text ?? "").ReplaceLineEndings("\n").Split('\n').Select(line => Inert(line.Replace('\u2028', ' ').Replace('\u2029', ' '))));

    private static string Inert(string line)
    {
        line = line.Replace("##vso[", "##vso [", StringComparison.OrdinalIgnoreCase).Replace("##[", "## [", StringComparison.Ordinal);
        var start = line.Length - line.TrimStart().Length;
        return line.AsSpan(start).StartsWith("::") ? string.Concat(line.AsSpan(0, start), ": :", line.AsSpan(start + 2)) : line;
    }
}
