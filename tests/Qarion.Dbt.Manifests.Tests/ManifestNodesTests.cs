using System.Diagnostics;
using System.Text;
using Qarion.Testing;

namespace Qarion.Dbt.Manifests.Tests;

/// <summary>The streamed pass over a run's manifest: only the nodes named, where dbt puts them, whatever the file's size, mark or odd values.</summary>
public sealed class ManifestNodesTests
{
    private static readonly HashSet<string> Wanted = new(StringComparer.Ordinal) { "model.shop.orders", "unit_test.shop.orders.t1", "model.shop.padded" };

    private const string Orders = "\"model.shop.orders\": {\"name\": \"orders\", \"resource_type\": \"model\", \"package_name\": \"shop\", \"original_file_path\": \"models/orders.sql\"}";

    private static string Write(string text, bool bom = false)
    {
        var path = Path.Combine(TestData.TempDirectory("nodes"), "manifest.json");
        var bytes = Encoding.UTF8.GetBytes(text);
        File.WriteAllBytes(path, bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes);
        return path;
    }

    private static (Dictionary<string, DbtNode> Nodes, string? ProjectName) Read(string text, bool bom = false) =>
        ManifestNodes.Read(Write(text, bom), Wanted, CancellationToken.None);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Wanted_nodes_and_unit_tests_are_read_and_nothing_else_is_kept(bool bom)
    {
        var (nodes, project) = Read(
            "{\"metadata\": {\"dbt_version\": \"1.10\", \"project_name\": \"shop\"}, \"nodes\": {" + Orders + ", " +
            "\"model.shop.unwanted\": {\"name\": \"unwanted\", \"original_file_path\": \"models/unwanted.sql\"}}, " +
            "\"unit_tests\": {\"unit_test.shop.orders.t1\": {\"name\": \"t1\", \"resource_type\": \"unit_test\", \"package_name\": \"shop\", \"original_file_path\": \"models/orders.yml\"}}, " +
            "\"sources\": {\"model.shop.padded\": {\"name\": \"not a node\", \"original_file_path\": \"models/sources.yml\"}}}", bom);

        Assert.Equal("shop", project);
        Assert.Equal(["model.shop.orders", "unit_test.shop.orders.t1"], nodes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new DbtNode("orders", "model", "shop", "models/orders.sql"), nodes["model.shop.orders"]);
        Assert.Equal(new DbtNode("t1", "unit_test", "shop", "models/orders.yml"), nodes["unit_test.shop.orders.t1"]);
    }

    [Fact]
    public void A_node_without_a_file_is_left_out_and_one_without_a_name_is_named_by_its_id()
    {
        var (nodes, _) = Read("{\"nodes\": {\"model.shop.orders\": {\"name\": \"orders\"}, \"model.shop.padded\": {\"original_file_path\": \"models/padded.sql\"}}}");

        Assert.Equal(new DbtNode("model.shop.padded", "", "", "models/padded.sql"), Assert.Single(nodes).Value);
    }

    [Fact]
    public void Values_of_odd_types_and_nested_names_are_not_taken_for_the_nodes_fields()
    {
        var (nodes, project) = Read(
            "{\"metadata\": {\"env\": {\"project_name\": \"nested\"}, \"project_name\": \"shop\"}, " +
            "\"selectors\": {\"s\": \"not the project\"}, " +
            "\"nodes\": {\"model.shop.orders\": {\"config\": {\"name\": \"config's\", \"original_file_path\": \"config's.sql\"}, \"name\": [\"in\", \"an array\"], " +
            "\"package_name\": 7, \"original_file_path\": \"models/orders.sql\"}, " +
            "\"model.shop.padded\": [\"models/not-an-object.sql\"], \"unit_test.shop.orders.t1\": \"models/a-string.yml\"}}");

        Assert.Equal("shop", project);
        Assert.Equal(new DbtNode("model.shop.orders", "", "", "models/orders.sql"), Assert.Single(nodes).Value);
    }

    [Fact]
    public void A_node_past_the_first_chunk_after_a_token_longer_than_a_chunk_is_found()
    {
        var raw = new string('x', 3 << 20);
        var (nodes, project) = Read(
            "{\"nodes\": {" + Orders + ", \"model.shop.big\": {\"raw_code\": \"" + raw + "\"}, " +
            "\"model.shop.padded\": {\"name\": \"padded\", \"original_file_path\": \"models/padded.sql\"}}, \"metadata\": {\"project_name\": \"shop\"}}");

        Assert.Equal(["model.shop.orders", "model.shop.padded"], nodes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("shop", project);
    }

    [Fact]
    public void Nesting_deeper_than_the_readers_default_is_read()
    {
        var (nodes, _) = Read("{\"nodes\": {\"model.x.deep\": {\"meta\": " + new string('[', 300) + new string(']', 300) + "}, " + Orders + "}}");

        Assert.Equal("orders", Assert.Single(nodes).Value.Name);
    }

    [Fact]
    public void A_manifest_that_is_not_json_says_which_file_and_line()
    {
        var path = Write("{\"nodes\": {\n" + Orders + ",\n  \"model.x\": tru}}");

        var error = Assert.Throws<DbtRunResultsException>(() => ManifestNodes.Read(path, Wanted, CancellationToken.None));

        Assert.Equal($"{path}, the manifest of the run, is not valid JSON (line 3), so the results cannot be put on their files. Run dbt again.", error.Message);
        Assert.Equal(path, error.FilePath);
    }

    [Fact]
    public void A_cancelled_pass_stops()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => ManifestNodes.Read(Write("{\"nodes\": {" + Orders + "}}"), Wanted, cancelled.Token));
    }

    [Fact]
    public async Task A_manifest_of_the_run_that_is_a_fifo_is_refused_as_unreadable_and_nothing_waits_on_it()
    {
        var dir = TestData.TempDirectory("fifo");
        var fifo = Path.Combine(dir, "manifest.json");
        using (var mkfifo = Process.Start("mkfifo", [fifo])!)
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var results = Path.Combine(dir, "run_results.json");
        File.Copy(TestData.RunResults("jaffle-v5-1.7.0.run_results.json"), results);

        var reading = DbtRunResultsReader.ReadAsync(results, fifo);
        var finished = await Task.WhenAny(reading, Task.Delay(TimeSpan.FromMinutes(1)));

        Assert.Same(reading, finished);
        var error = await Assert.ThrowsAsync<DbtRunResultsException>(() => reading);
        Assert.Equal(fifo, error.FilePath);
        Assert.Contains("cannot be read", error.Message);
        Assert.Contains("not a regular file", error.Message);
    }
}
