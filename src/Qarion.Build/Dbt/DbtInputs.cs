using System.Globalization;
using System.Text;
using Qarion.Dbt.Manifests;

namespace Qarion.Build.Dbt;

/// <summary>
/// What dbt parse and compile read, fingerprinted: dbt_project.yml, the project's profiles.yml, the
/// package files, every file under the paths dbt_project.yml names (model, macro, seed, snapshot, test
/// and analysis paths, dbt's defaults when unset), and the command line. Equal fingerprints: nothing
/// they read changed, so their output (target/manifest.json) stands.
/// </summary>
internal static class DbtInputs
{
    /// <summary>dbt_project.yml's keys for the folders dbt reads, with dbt's defaults; the old names (dbt before 1.0) too.</summary>
    private static readonly (string Key, string Default)[] PathKeys =
    [
        ("model-paths", "models"), ("source-paths", ""), ("macro-paths", "macros"), ("seed-paths", "seeds"), ("data-paths", ""),
        ("snapshot-paths", "snapshots"), ("test-paths", "tests"), ("analysis-paths", "analyses"),
    ];

    public static string Fingerprint(DbtSettings settings)
    {
        var project = settings.ProjectDirectory;
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in new[] { "dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml", "package-lock.yml", "selectors.yml" })
        {
            files.Add(Path.Combine(project, name));
        }

        foreach (var folder in Folders(File.ReadAllText(Path.Combine(project, "dbt_project.yml"))))
        {
            var full = Path.GetFullPath(Path.Combine(project, folder));
            if (Directory.Exists(full))
            {
                foreach (var file in Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories))
                {
                    files.Add(file);
                }
            }
        }

        var text = new StringBuilder(string.Join('\u001f', settings.Arguments)).Append('\n');
        foreach (var file in files)
        {
            var info = new FileInfo(file);
            text.Append(CultureInfo.InvariantCulture, $"{Path.GetRelativePath(project, file)}|{(info.Exists ? info.Length : -1)}|{(info.Exists ? info.LastWriteTimeUtc.Ticks : 0)}\n");
        }

        return DbtManifestFingerprint.Of(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>The folders dbt_project.yml names (an inline list or a block list under each key), else dbt's defaults.</summary>
    internal static IReadOnlyList<string> Folders(string dbtProject)
    {
        var lines = dbtProject.ReplaceLineEndings("\n").Split('\n');
        var folders = new List<string>();
        foreach (var (key, fallback) in PathKeys)
        {
            var given = Values(lines, key);
            folders.AddRange(given ?? (fallback.Length > 0 ? [fallback] : []));
        }

        return folders.Distinct(StringComparer.Ordinal).ToList();
    }

    private static List<string>? Values(string[] lines, string key)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith(key + ":", StringComparison.Ordinal))
            {
                continue;
            }

            var rest = Uncommented(lines[i][(key.Length + 1)..]).Trim();
            if (rest.StartsWith('['))
            {
                return rest.Trim('[', ']').Split(',').Select(Unquoted).Where(v => v.Length > 0).ToList();
            }

            if (rest.Length > 0)
            {
                return [Unquoted(rest)];
            }

            var values = new List<string>();
            for (var j = i + 1; j < lines.Length && (lines[j].StartsWith(' ') || lines[j].StartsWith('-') || lines[j].Trim().Length == 0); j++)
            {
                var item = Uncommented(lines[j]).Trim();
                if (item.StartsWith('-'))
                {
                    values.Add(Unquoted(item[1..]));
                }
            }

            return values;
        }

        return null;
    }

    private static string Uncommented(string text) => text.IndexOf(" #", StringComparison.Ordinal) is >= 0 and var at ? text[..at] : text;

    private static string Unquoted(string text) => text.Trim().Trim('"', '\'').Trim();
}
