using System.Globalization;
using Qarion.Workflow;
using Qarion.Build.Upload;

namespace Qarion.Build.Dbt;

/// <summary>The dbt step's properties, checked once: the command line dbt is started with, and its deadline.</summary>
internal sealed record DbtSettings
{
    /// <summary>The commands the step runs, as dbt spells them; those that act on the warehouse always run.</summary>
    public static readonly IReadOnlyList<string> Commands = ["build", "run", "test", "seed", "snapshot", "parse", "compile", "docs generate"];

    /// <summary>What the step itself runs before the command when the project's package files changed.</summary>
    public const string Deps = "deps";

    public required string Executable { get; init; }

    public required string Command { get; init; }

    public required string ProjectDirectory { get; init; }

    public required IReadOnlyList<string> Arguments { get; init; }

    public required TimeSpan Timeout { get; init; }

    /// <summary>Variables set for dbt besides the build's own (QarionDbtEnvironment).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether the command only reads the project (no warehouse), so an unchanged project needs no run.</summary>
    public bool IsIncremental => Command is "parse" or "compile";

    /// <summary>Whether the command writes target/run_results.json (parse does not; docs generate writes catalog.json).</summary>
    public bool WritesResults => Command is "build" or "run" or "test" or "seed" or "snapshot" or "compile";

    public string RunResultsPath => Path.Combine(ProjectDirectory, "target", "run_results.json");

    public string ManifestPath => Path.Combine(ProjectDirectory, "target", "manifest.json");

    public static DbtSettings From(QarionRunDbt task)
    {
        var command = string.Join(' ', (task.Command ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
        if (!Commands.Contains(command) && command != Deps)
        {
            throw UploadFailure.Config(Codes.DbtSetting,
                $"QarionDbtCommand is '{task.Command?.Trim()}', which is not a dbt command the step runs. Set it to one of {string.Join(", ", Commands)}, or leave it empty to run dbt in your own step.");
        }

        var directory = UploadSettings.Blank(task.ProjectDirectory) ?? throw UploadFailure.Config(Codes.DbtSetting, "QarionDbtProjectDir is empty: set it to the folder that holds dbt_project.yml.");
        directory = Path.GetFullPath(directory);
        if (!File.Exists(Path.Combine(directory, "dbt_project.yml")))
        {
            throw UploadFailure.Config(Codes.DbtSetting, $"QarionDbtProjectDir ({directory}) holds no dbt_project.yml: set it to the dbt project's folder.");
        }

        var arguments = new List<string>(command.Split(' ')) { "--project-dir", directory };
        Add(arguments, "--target", task.Target);
        Add(arguments, "--profiles-dir", UploadSettings.Blank(task.ProfilesDirectory) is { } profiles ? Path.GetFullPath(profiles) : null);
        Add(arguments, "--select", task.Select);
        Add(arguments, "--exclude", task.Exclude);
        Add(arguments, "--vars", task.Vars);
        arguments.AddRange(Words(task.ExtraArguments));

        return new DbtSettings
        {
            Executable = UploadSettings.Blank(task.Executable) ?? Defaults.DbtExecutable,
            Command = command,
            ProjectDirectory = directory,
            Arguments = arguments,
            Timeout = TimeSpan.FromSeconds(Seconds(task.TimeoutSeconds)),
            Environment = Variables(task.EnvironmentVariables),
        };
    }

    private static Dictionary<string, string> Variables(string[]? pairs)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0)
            {
                throw UploadFailure.Config(Codes.DbtSetting, $"QarionDbtEnvironment holds '{pair}', which is not NAME=value: write each variable as NAME=value, separated by semicolons.");
            }

            variables[pair[..at].Trim()] = pair[(at + 1)..];
        }

        return variables;
    }

    private static void Add(List<string> arguments, string option, string? value)
    {
        if (UploadSettings.Blank(value) is { } text)
        {
            arguments.Add(option);
            arguments.Add(text);
        }
    }

    /// <summary>QarionDbtArguments as words: split at white space, a double-quoted part kept whole (as a shell would).</summary>
    internal static IEnumerable<string> Words(string? text)
    {
        var word = new System.Text.StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in text ?? "")
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (any)
                {
                    yield return word.ToString();
                }

                word.Clear();
                any = false;
            }
            else
            {
                word.Append(c);
                any = true;
            }
        }

        if (any)
        {
            yield return word.ToString();
        }
    }

    private static double Seconds(string? value)
    {
        if (UploadSettings.Blank(value) is not { } text)
        {
            return Defaults.DbtTimeoutSeconds;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds) || seconds < 1 || seconds > 7 * 86_400)
        {
            throw UploadFailure.Config(Codes.DbtSetting, $"QarionDbtTimeoutSeconds is '{text}'; it must be a number of seconds from 1 to 604800 (a week).");
        }

        return seconds;
    }
}
