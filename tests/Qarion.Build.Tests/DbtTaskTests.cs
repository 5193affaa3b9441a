using System.Diagnostics;
using Qarion.Build.Tests.Support;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>
/// The dbt step as a task, running the dbt stand-in as a real process (dbt itself cannot be installed
/// here): real runs' results become errors and warnings on the files of their nodes, and dbt's edges
/// (a compilation error, dbt missing, a hang, Ctrl+C, a stale results file) each say what they are.
/// </summary>
public sealed class DbtTaskTests
{
    private static readonly string StandIn = Path.Combine(TestData.RepositoryRoot, "samples", "dbt-standin", "dbt");

    /// <summary>A dbt project folder with the manifest of the real run the results come from.</summary>
    private static (QarionRunDbt Task, RecordingBuildEngine Engine, string Project) Step(string command = "build", string run = "jaffle-v5-1.7.0", string? results = null, params string[] environment)
    {
        var project = TestData.TempDirectory("dbt-step");
        File.WriteAllText(Path.Combine(project, "dbt_project.yml"), "name: jaffle_shop\nversion: '1.0'\nprofile: jaffle_shop\n");
        var engine = new RecordingBuildEngine();
        var task = new QarionRunDbt
        {
            BuildEngine = engine,
            Command = command,
            Executable = StandIn,
            ProjectDirectory = project,
            ProjectFile = Path.Combine(project, "jaffle_shop.csproj"),
            HelpBase = TaskRun.HelpBase,
            TimeoutSeconds = "120",
            GetEnvironmentVariable = name => name == "QARION_API_KEY" ? ServerHarness.Key : null,
            EnvironmentVariables =
            [
                "DBT_STANDIN_MANIFEST=" + TestData.RunResults(run + ".manifest.json"),
                .. results is null ? Array.Empty<string>() : ["DBT_STANDIN_RUN_RESULTS=" + TestData.RunResults(results)],
                .. environment,
            ],
        };
        return (task, engine, project);
    }

    [Fact]
    public void A_passing_run_says_its_counts_in_one_line_and_raises_nothing()
    {
        var (task, engine, _) = Step(results: "jaffle-v5-1.7.0.run_results.json");

        Assert.True(task.Execute(), engine.AllText);

        Assert.Empty(engine.Errors);
        Assert.Empty(engine.Warnings);
        Assert.Contains(engine.HighMessages, m => m.StartsWith("Qarion: jaffle_shop: dbt build: 58 passed, 0 warned, 0 failed, 0 skipped in ", StringComparison.Ordinal));
        // dbt's own lines are in the log at normal importance, never all at high.
        Assert.Contains(engine.Messages, m => m.Importance == Microsoft.Build.Framework.MessageImportance.Normal && m.Message!.Contains("dbt stand-in: wrote", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failing_run_puts_each_error_failure_and_warning_on_the_file_of_its_node()
    {
        var (task, engine, project) = Step(results: "jaffle-v5-1.7.0.failing.run_results.json");

        Assert.False(task.Execute());

        var errors = engine.Errors.OrderBy(e => e.Code, StringComparer.Ordinal).ToList();
        Assert.Equal(["QRN4001", "QRN4002"], errors.Select(e => e.Code));
        Assert.Equal(Path.Combine(project, "models", "customers.sql"), errors[0].File);
        Assert.StartsWith("Qarion: jaffle_shop: dbt: model customers failed: Database Error in model customers (models/customers.sql) relation \"raw.customers_source\" does not exist", errors[0].Message);
        Assert.Equal(Path.Combine(project, "models", "staging", "schema.yml"), errors[1].File);
        Assert.Equal("Qarion: jaffle_shop: dbt: test not_null_stg_customers_customer_id failed (3 rows): Got 3 results, configured to fail if != 0", errors[1].Message);
        var warning = Assert.Single(engine.Warnings);
        Assert.Equal(("QRN4003", Path.Combine(project, "models", "staging", "schema.yml")), (warning.Code, warning.File));
        Assert.Equal("Qarion: jaffle_shop: dbt: test unique_stg_customers_customer_id warned (2 rows): Got 2 results, configured to warn if != 0", warning.Message);
        Assert.Equal($"{TaskRun.HelpBase}qrn4001", errors[0].HelpLink);
        Assert.Contains(engine.HighMessages, m => m.StartsWith("Qarion: jaffle_shop: dbt build: 52 passed, 1 warned, 2 failed, 3 skipped in ", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_is_skipped_while_nothing_it_reads_changed_and_runs_again_when_a_model_a_macro_or_the_packages_change()
    {
        var (task, engine, project) = Step("parse");
        File.WriteAllText(Path.Combine(project, "dbt_project.yml"), "name: jaffle_shop\nmacro-paths: [\"my_macros\"]  # not the default\nmodel-paths:\n  - models\n");
        var model = Path.Combine(project, "models", "orders.sql");
        var macro = Path.Combine(project, "my_macros", "cents.sql");
        Directory.CreateDirectory(Path.GetDirectoryName(model)!);
        Directory.CreateDirectory(Path.GetDirectoryName(macro)!);
        File.WriteAllText(model, "select 1");
        File.WriteAllText(macro, "{% macro cents() %}{% endmacro %}");
        var obj = Path.Combine(project, "obj", "qarion");
        bool Ran()
        {
            var (again, engine2, _) = (task, new RecordingBuildEngine(), project);
            again.BuildEngine = engine2;
            again.IntermediateDirectory = obj;
            Assert.True(again.Execute(), engine2.AllText);
            return engine2.Messages.Any(m => m.Message!.StartsWith("Running with dbt=stand-in", StringComparison.Ordinal));
        }

        Assert.True(Ran(), "the first parse");
        Assert.False(Ran(), "nothing changed");
        File.SetLastWriteTimeUtc(model, DateTime.UtcNow.AddSeconds(3));
        Assert.True(Ran(), "a model changed");
        Assert.False(Ran(), "nothing changed since");
        File.AppendAllText(macro, "\n");
        Assert.True(Ran(), "a macro under macro-paths changed");
        File.WriteAllText(Path.Combine(project, "packages.yml"), "packages: []\n");
        Assert.True(Ran(), "the package file appeared");
        File.WriteAllText(Path.Combine(project, "notes.txt"), "not read by dbt");
        Assert.False(Ran(), "a file dbt does not read");
        task.Select = "orders";
        Assert.True(Ran(), "another selection");
        File.Delete(Path.Combine(project, "target", "manifest.json"));
        Assert.True(Ran(), "the manifest is gone");
        Assert.Empty(engine.Errors);
    }

    [Fact]
    public void The_question_passes_for_a_parse_that_is_up_to_date()
    {
        var (task, _, project) = Step("parse");
        task.IntermediateDirectory = Path.Combine(project, "obj", "qarion");
        Assert.True(task.Execute());
        var engine = new RecordingBuildEngine();
        task.BuildEngine = engine;
        task.FailIfNotIncremental = true;

        Assert.True(task.Execute(), engine.AllText);

        Assert.Contains(engine.HighMessages, m => m.Contains("dbt parse skipped: nothing it reads changed since it last ran", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("name: x\n", new[] { "models", "macros", "seeds", "snapshots", "tests", "analyses" })]
    [InlineData("model-paths: [\"transform\", 'more']\nseed-paths: [data]\n", new[] { "transform", "more", "macros", "data", "snapshots", "tests", "analyses" })]
    [InlineData("source-paths: [\"models\"]\ndata-paths:\n  - \"data\" # seeds\n", new[] { "models", "macros", "seeds", "data", "snapshots", "tests", "analyses" })]
    public void The_folders_dbt_reads_are_those_dbt_project_yml_names_or_dbts_defaults(string yaml, string[] folders)
    {
        Assert.Equal(folders, Dbt.DbtInputs.Folders(yaml));
    }

    [Fact]
    public void The_run_summary_gets_the_steps_counts_and_the_nodes_that_failed_or_warned()
    {
        var (task, engine, project) = Step(results: "jaffle-v5-1.7.0.failing.run_results.json");
        var summary = Path.Combine(project, "step-summary.md");
        var obj = Path.Combine(project, "obj", "qarion");
        task.IntermediateDirectory = obj;
        task.GetEnvironmentVariable = name => name switch { "GITHUB_STEP_SUMMARY" => summary, "TF_BUILD" => "True", _ => null };

        Assert.False(task.Execute());

        var row = File.ReadAllLines(summary)[^1];
        Assert.Matches(@"^\| jaffle_shop \| dbt build \| .+ \| 52 passed, 1 warned, 2 failed, 3 skipped in \d+\.\d s; failed: not_null_stg_customers_customer_id, customers; warned: unique_stg_customers_customer_id \|$", row);
        Assert.Equal(File.ReadAllLines(summary)[^1], File.ReadAllLines(Path.Combine(obj, "dbt-summary.md"))[^1]);
        Assert.Contains(engine.HighMessages, m => m == $"##vso[task.uploadsummary]{Path.Combine(obj, "dbt-summary.md")}");
    }

    [Theory]
    [InlineData("jaffle-v1-0.19.1", "run", 8)]
    [InlineData("jaffle-v3-0.21.0", "build", 31)]
    public void Every_schema_version_of_the_results_is_counted(string run, string command, int passed)
    {
        var (task, engine, _) = Step(command, run, run + ".run_results.json");

        Assert.True(task.Execute(), engine.AllText);

        Assert.Contains(engine.HighMessages, m => m.StartsWith($"Qarion: jaffle_shop: dbt {command}: {passed} passed, 0 warned, 0 failed, 0 skipped in ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_compilation_error_without_results_points_at_the_file_dbt_names()
    {
        var (task, engine, project) = Step(environment: "DBT_STANDIN_COMPILE_ERROR=models/orders.sql");

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal(("QRN4004", Path.Combine(project, "models", "orders.sql"), 12), (error.Code, error.File, error.LineNumber));
        Assert.Equal("Qarion: jaffle_shop: dbt build failed with exit code 2 (dbt could not run: a compilation or parse error, or an unhandled one) in models/orders.sql; its own lines above say what is wrong. Nothing was uploaded.", error.Message);
        Assert.Contains(engine.Messages, m => m.Message == "Compilation Error in model orders (models/orders.sql)");
    }

    [Fact]
    public void A_results_file_left_by_an_earlier_run_is_not_read_as_this_ones()
    {
        var (task, engine, project) = Step(environment: "DBT_STANDIN_COMPILE_ERROR=models\\orders.sql");
        Directory.CreateDirectory(Path.Combine(project, "target"));
        File.Copy(TestData.RunResults("jaffle-v5-1.7.0.failing.run_results.json"), Path.Combine(project, "target", "run_results.json"));

        Assert.False(task.Execute());

        // Only dbt's own failure, on the file it names (written as dbt writes it on Windows); none of the old run's results.
        var error = Assert.Single(engine.Errors);
        Assert.Equal(("QRN4004", Path.Combine(project, "models", "orders.sql")), (error.Code, error.File));
        Assert.Empty(engine.Warnings);
        Assert.Contains(engine.Messages, m => m.Message!.Contains("dbt wrote no run_results.json in this run", StringComparison.Ordinal));
    }

    [Fact]
    public void Dbt_missing_says_how_to_install_it_and_which_property_names_it()
    {
        var (task, engine, _) = Step();
        task.Executable = "dbt-that-is-not-installed";

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("QRN4005", error.Code);
        Assert.Contains("dbt could not be started as 'dbt-that-is-not-installed'", error.Message);
        Assert.EndsWith("Install dbt (pip install dbt-core and your adapter, e.g. dbt-postgres) so that it is on PATH, or set QarionDbtExecutable to its path.", error.Message);
    }

    [Fact]
    public void A_hung_dbt_is_stopped_at_its_deadline_with_its_children()
    {
        var (task, engine, _) = Step(environment: "DBT_STANDIN_HANG=601");
        task.TimeoutSeconds = "2";

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("QRN4006", error.Code);
        Assert.StartsWith("Qarion: jaffle_shop: dbt build did not finish within 2 s (QarionDbtTimeoutSeconds), so it was stopped with its child processes.", error.Message);
        Assert.False(Sleeping("601"), "the stand-in's sleep was left running");
    }

    [Fact]
    public async Task Cancelling_stops_dbt_and_its_children_at_once()
    {
        var (task, engine, _) = Step(environment: "DBT_STANDIN_HANG=602");
        var running = Task.Run(task.Execute);
        await WaitUntil(() => engine.Messages.Any(m => m.Message!.StartsWith("Running with dbt=stand-in", StringComparison.Ordinal)));

        task.Cancel();

        Assert.False(await running.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(engine.HighMessages, m => m == "Qarion: jaffle_shop: dbt build was cancelled; dbt and its child processes were stopped.");
        Assert.False(Sleeping("602"), "the stand-in's sleep was left running");
    }

    [Fact]
    public void Dbts_output_is_scrubbed_of_the_key_and_holds_no_ci_command()
    {
        var (task, engine, _) = Step(results: "jaffle-v5-1.7.0.run_results.json", environment: $"DBT_STANDIN_SAY=##vso[task.setvariable variable=x]1 key {ServerHarness.Key}");

        Assert.True(task.Execute(), engine.AllText);

        Assert.Null(KeyForms.FoundIn(engine.AllText));
        Assert.DoesNotContain(engine.Messages, m => m.Message!.Contains("##vso[", StringComparison.Ordinal));
        Assert.Contains(engine.Messages, m => m.Message!.Contains("task.setvariable", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("deploy", "QarionDbtCommand is 'deploy', which is not a dbt command the step runs.")]
    [InlineData("build", "QarionDbtTimeoutSeconds is '0'; it must be a number of seconds from 1 to 604800 (a week).")]
    public void A_bad_property_is_refused_before_dbt_starts(string command, string message)
    {
        var (task, engine, _) = Step(command);
        task.TimeoutSeconds = command == "build" ? "0" : "60";

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("QRN4007", error.Code);
        Assert.StartsWith("Qarion: jaffle_shop: " + message, error.Message);
        Assert.DoesNotContain(engine.Messages, m => m.Message!.Contains("Running with dbt", StringComparison.Ordinal));
    }

    [Fact]
    public void The_question_never_runs_dbt_and_says_it_would()
    {
        var (task, engine, project) = Step(results: "jaffle-v5-1.7.0.run_results.json");
        task.FailIfNotIncremental = true;

        Assert.False(task.Execute());

        Assert.Equal("QRN4009", Assert.Single(engine.Errors).Code);
        Assert.False(Directory.Exists(Path.Combine(project, "target")), "dbt ran");
    }

    [Theory]
    [InlineData("    line 12", 12)]
    [InlineData("line 3", 3)]
    [InlineData("  LINE 12:     from raw.customers_source", null)]
    [InlineData("  line 0", null)]
    [InlineData("the line 12 of it", null)]
    public void The_source_line_is_taken_from_dbts_jinja_error_and_never_from_the_databases_compiled_sql(string text, int? line)
    {
        Assert.Equal(line, Dbt.DbtReport.SourceLine(text));
    }

    [Theory]
    [InlineData("--full-refresh --threads 4", new[] { "--full-refresh", "--threads", "4" })]
    [InlineData("--vars \"{key: a b}\"  -x", new[] { "--vars", "{key: a b}", "-x" })]
    [InlineData("", new string[0])]
    public void Extra_arguments_are_words_with_quotes_keeping_a_part_whole(string text, string[] words)
    {
        Assert.Equal(words, Dbt.DbtSettings.Words(text));
    }

    /// <summary>Whether a `sleep SECONDS` is alive: each test that hangs the stand-in sleeps for its own number of seconds.</summary>
    private static bool Sleeping(string seconds) =>
        Process.GetProcessesByName("sleep").Any(p =>
        {
            try
            {
                return File.ReadAllText($"/proc/{p.Id}/cmdline") == $"sleep\0{seconds}\0";
            }
            catch (IOException)
            {
                return false;
            }
        });

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition never held");
            await Task.Delay(20);
        }
    }
}
