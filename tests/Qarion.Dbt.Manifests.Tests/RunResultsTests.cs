using System.Text.Json.Nodes;
using Qarion.Testing;

namespace Qarion.Dbt.Manifests.Tests;

/// <summary>Real runs' results, joined with the manifests of the same runs: every status, schema v1, v3 and v5, and the files the nodes live in.</summary>
public sealed class RunResultsTests
{
    private static readonly string Project = Path.Combine(Path.GetTempPath(), "jaffle_shop");

    [Theory]
    [InlineData("jaffle-v1-0.19.1", 1, "0.19.1", "run", 8, 0)]
    [InlineData("jaffle-v3-0.21.0", 3, "0.21.0", "build", 11, 20)]
    [InlineData("jaffle-v5-1.7.0", 5, "1.7.0", "build", 38, 20)]
    public async Task Every_schema_is_read_with_each_result_on_the_file_that_defines_its_node(string run, int schema, string dbt, string command, int successes, int passes)
    {
        var results = await DbtRunResultsReader.ReadAsync(TestData.RunResults(run + ".run_results.json"), TestData.RunResults(run + ".manifest.json"));

        Assert.Equal((schema, dbt, command), (results.SchemaVersion, results.DbtVersion, results.Command));
        Assert.Equal((successes, passes), (results.Count(DbtResultStatus.Success), results.Count(DbtResultStatus.Pass)));
        Assert.Equal("jaffle_shop", results.ProjectName);
        Assert.True(results.ElapsedSeconds > 0);
        // Every result found its node; models on their .sql, tests on their schema.yml or .sql.
        Assert.All(results.Results, r => Assert.NotNull(r.Node));
        var staged = results.Results.Single(r => r.UniqueId == "model.jaffle_shop.stg_orders");
        Assert.Equal(("stg_orders", "model", "models/staging/stg_orders.sql"), (staged.Name, staged.Node!.ResourceType, staged.Node.OriginalFilePath));
        Assert.Equal(Path.Combine(Project, "models", "staging", "stg_orders.sql"), staged.Node.FileIn(Project, results.ProjectName));
    }

    [Fact]
    public async Task A_failing_run_says_each_error_fail_warn_and_skip_with_dbts_words_and_the_tests_yaml()
    {
        var results = await DbtRunResultsReader.ReadAsync(TestData.RunResults("jaffle-v5-1.7.0.failing.run_results.json"), TestData.RunResults("jaffle-v5-1.7.0.manifest.json"));

        Assert.Equal((1, 1, 1, 3), (results.Count(DbtResultStatus.Error), results.Count(DbtResultStatus.Fail), results.Count(DbtResultStatus.Warn), results.Count(DbtResultStatus.Skipped)));
        var error = results.Results.Single(r => r.Status == DbtResultStatus.Error);
        Assert.Equal(("model.jaffle_shop.customers", "models/customers.sql"), (error.UniqueId, error.Node!.OriginalFilePath));
        Assert.StartsWith("Database Error in model customers (models/customers.sql)", error.Message);
        var fail = results.Results.Single(r => r.Status == DbtResultStatus.Fail);
        Assert.Equal(("not_null_stg_customers_customer_id", "test", 3L, "Got 3 results, configured to fail if != 0"), (fail.Name, fail.Node!.ResourceType, fail.Failures, fail.Message));
        Assert.EndsWith(".yml", fail.Node.OriginalFilePath);
        var warn = results.Results.Single(r => r.Status == DbtResultStatus.Warn);
        Assert.Equal((2L, "Got 2 results, configured to warn if != 0"), (warn.Failures, warn.Message));
    }

    [Fact]
    public async Task A_node_of_an_installed_package_lives_under_dbt_packages_and_windows_separators_are_this_systems()
    {
        // The real run, with one model moved into a package and its path written as dbt writes it on Windows.
        var directory = TestData.TempDirectory("package-node");
        var manifest = JsonNode.Parse(File.ReadAllText(TestData.RunResults("jaffle-v5-1.7.0.manifest.json")))!;
        var node = manifest["nodes"]!["model.jaffle_shop.orders"]!;
        node["package_name"] = "dbt_utils";
        var staged = manifest["nodes"]!["model.jaffle_shop.stg_orders"]!;
        staged["original_file_path"] = @"models\staging\stg_orders.sql";
        var manifestPath = Path.Combine(directory, "manifest.json");
        File.WriteAllText(manifestPath, manifest.ToJsonString());

        var results = await DbtRunResultsReader.ReadAsync(TestData.RunResults("jaffle-v5-1.7.0.run_results.json"), manifestPath);

        Assert.Equal("jaffle_shop", results.ProjectName);
        var orders = results.Results.Single(r => r.UniqueId == "model.jaffle_shop.orders").Node!;
        Assert.Equal(Path.Combine(Project, "dbt_packages", "dbt_utils", "models", "orders.sql"), orders.FileIn(Project, results.ProjectName));
        var stg = results.Results.Single(r => r.UniqueId == "model.jaffle_shop.stg_orders").Node!;
        Assert.Equal(Path.Combine(Project, "models", "staging", "stg_orders.sql"), stg.FileIn(Project, results.ProjectName));
    }

    [Fact]
    public async Task Without_the_manifest_the_results_stand_alone_with_names_from_their_ids()
    {
        var results = await DbtRunResultsReader.ReadAsync(TestData.RunResults("jaffle-v5-1.7.0.failing.run_results.json"), manifestPath: null);

        Assert.All(results.Results, r => Assert.Null(r.Node));
        Assert.Equal("customers", results.Results.Single(r => r.Status == DbtResultStatus.Error).Name);
        Assert.Null(results.ProjectName);
    }

    [Theory]
    [InlineData("success", DbtResultStatus.Success)]
    [InlineData("pass", DbtResultStatus.Pass)]
    [InlineData("warn", DbtResultStatus.Warn)]
    [InlineData("fail", DbtResultStatus.Fail)]
    [InlineData("error", DbtResultStatus.Error)]
    [InlineData("ERROR", DbtResultStatus.Error)]
    [InlineData("runtime error", DbtResultStatus.Error)]
    [InlineData("skipped", DbtResultStatus.Skipped)]
    [InlineData("skip", DbtResultStatus.Skipped)]
    [InlineData(" Pass ", DbtResultStatus.Pass)]
    [InlineData("no-op", DbtResultStatus.Other)]
    public void Statuses_are_read_as_every_dbt_version_writes_them(string raw, DbtResultStatus status)
    {
        Assert.Equal(status, DbtRunResultsReader.StatusOf(raw));
    }

    [Theory]
    [InlineData("""{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"}, "nodes": {}}""", "metadata.dbt_schema_version is 'https://schemas.getdbt.com/dbt/manifest/v12.json'")]
    [InlineData("""{"results": []}""", "it has no metadata.dbt_schema_version")]
    [InlineData("""{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json"}}""", "and no results list")]
    [InlineData("""{"metadata": """, "is not valid JSON")]
    public async Task A_file_that_is_not_a_runs_results_says_what_it_is(string json, string expected)
    {
        var path = Path.Combine(TestData.TempDirectory("not-results"), "run_results.json");
        File.WriteAllText(path, json);

        var error = await Assert.ThrowsAsync<DbtRunResultsException>(() => DbtRunResultsReader.ReadAsync(path, null));

        Assert.Contains(expected, error.Message);
        Assert.Equal(path, error.FilePath);
    }

    private static string Results(string results) =>
        "{\"metadata\": {\"dbt_schema_version\": \"https://schemas.getdbt.com/dbt/run-results/v6.json\"}, \"results\": [" + results + "]}";

    [Fact]
    public async Task Odd_values_in_a_result_are_read_as_absent_and_a_short_id_is_its_own_name()
    {
        var path = Path.Combine(TestData.TempDirectory("odd-results"), "run_results.json");
        File.WriteAllText(path, Results(
            "{\"unique_id\": \"model.shop.orders\", \"status\": \"success\", \"execution_time\": \"fast\", \"failures\": \"none\"}, " +
            "{\"unique_id\": \"seed_only\", \"status\": \"pass\", \"execution_time\": 1.5, \"failures\": 2}, 7, {\"status\": \"pass\"}"));

        var results = await DbtRunResultsReader.ReadAsync(path, manifestPath: null);

        Assert.Equal(2, results.Results.Count);
        var (odd, plain) = (results.Results[0], results.Results[1]);
        Assert.Equal(("orders", 0.0, (long?)null), (odd.Name, odd.ExecutionSeconds, odd.Failures));
        Assert.Equal(("seed_only", 1.5, (long?)2), (plain.Name, plain.ExecutionSeconds, plain.Failures));
    }

    [Fact]
    public async Task A_manifest_without_the_runs_nodes_or_a_project_name_leaves_the_project_unknown()
    {
        var dir = TestData.TempDirectory("no-nodes");
        var path = Path.Combine(dir, "run_results.json");
        var manifest = Path.Combine(dir, "manifest.json");
        File.WriteAllText(path, Results("{\"unique_id\": \"model.shop.orders\", \"status\": \"success\"}"));
        File.WriteAllText(manifest, "{\"nodes\": {\"model.shop.other\": {\"original_file_path\": \"models/other.sql\"}}}");

        var results = await DbtRunResultsReader.ReadAsync(path, manifest);

        Assert.Null(results.ProjectName);
        Assert.Null(Assert.Single(results.Results).Node);
    }

    [Fact]
    public async Task A_run_results_file_past_the_bound_is_refused_by_its_size_before_it_is_read()
    {
        var path = Path.Combine(TestData.TempDirectory("huge-results"), "run_results.json");
        using (var file = File.Create(path))
        {
            // Sparse: its size is what counts, nothing is written.
            file.SetLength(DbtRunResultsReader.MaxRunResultsBytes + 1);
        }

        var error = await Assert.ThrowsAsync<DbtRunResultsException>(() => DbtRunResultsReader.ReadAsync(path, null));

        Assert.Equal($"{path} is {DbtRunResultsReader.MaxRunResultsBytes + 1:N0} bytes, more than the {DbtRunResultsReader.MaxRunResultsBytes:N0} a run's results are read to.", error.Message);
        Assert.Equal(path, error.FilePath);
    }
}
