using Qarion.Client.Http;

namespace Qarion.Cli.Output;

/// <summary>Columns padded to their widest cell; every cell one line, inert, at most <see cref="CellWidth"/> characters (JSON output keeps every value whole).</summary>
internal static class Table
{
    public const int CellWidth = 60;

    /// <summary>A value shown on a line of its own (a connector's config) is cut here: a terminal is not where a megabyte of JSON is read.</summary>
    public const int ValueWidth = 2000;

    public static IEnumerable<string> Render(string[] headers, IEnumerable<string[]> rows)
    {
        var cells = rows.Select(row => row.Select(c => Cell(c)).ToArray()).ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray();
        yield return Join(headers, widths);
        foreach (var row in cells)
        {
            yield return Join(row, widths);
        }
    }

    public static IEnumerable<string> Pairs(IEnumerable<(string Name, string Value)> pairs)
    {
        var list = pairs.ToList();
        var width = list.Max(p => p.Name.Length);
        return list.Select(p => ((p.Name + ":").PadRight(width + 2) + Cell(p.Value, ValueWidth)).TrimEnd());
    }

    private static string Join(string[] cells, int[] widths) => string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();

    private static string Cell(string text) => Cell(text, CellWidth);

    private static string Cell(string text, int width)
    {
        var line = ServerText.Neutralize(text);
        return line.Length > width ? line[..(width - 1)] + "…" : line;
    }
}
