using Qarion.Build.Tests.Support;
using Qarion.LocalServer.Hosting;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>Text from a server is data: whatever it holds, no line the task logs or writes to the run summary is a CI log command.</summary>
public sealed class CiCommandTests
{
    private static readonly string Jaffle = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

    private const string Hostile = "refused\n##vso[task.setvariable variable=QARION_OK]yes\r\n::error file=x::pwned\n##[error]forged\u2028::add-mask::it";

    /// <summary>Every line of every text, as a CI agent reads the log: none may start a command.</summary>
    private static void AssertNoCiCommand(IEnumerable<string> texts)
    {
        foreach (var line in texts.SelectMany(t => t.Split('\n', '\r', '\u2028', '\u2029')))
        {
            Assert.DoesNotContain("##vso[", line, StringComparison.OrdinalIgnoreCase);
            Assert.False(line.TrimStart().StartsWith("##[", StringComparison.Ordinal), line);
            Assert.False(line.TrimStart().StartsWith("::", StringComparison.Ordinal), line);
        }
    }

    private static IEnumerable<string> Everything(TaskRun run) =>
        run.Engine.Errors.Select(e => e.Message ?? "")
            .Concat(run.Engine.Warnings.Select(w => w.Message ?? ""))
            .Concat(run.Engine.Messages.Select(m => m.Message ?? ""));

    [Theory]
    [InlineData("json")]
    [InlineData("text")]
    public async Task A_server_s_error_text_is_one_inert_line_in_the_log_and_the_summary(string body)
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.Faults.Add(new Fault { Status = 500, Body = body, Detail = Hostile, PathContains = "dbt-manifest" });
        var summary = Path.Combine(TestData.TempDirectory("summary"), "step_summary.md");
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop") } };
        run.Environment["GITHUB_STEP_SUMMARY"] = summary;

        Assert.False(run.Execute());

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN2007", error.Code);
        // Kept as data, so the user sees what the server said.
        Assert.Contains("task.setvariable variable=QARION_OK", error.Message);
        Assert.Contains("pwned", error.Message);
        AssertNoCiCommand(Everything(run));
        AssertNoCiCommand([File.ReadAllText(summary)]);
    }

    [Fact]
    public async Task Connector_names_in_a_list_of_what_exists_are_inert()
    {
        await using var server = await ServerHarness.StartAsync(o =>
            o.Connectors.Add(new SeedConnector(ServerHarness.Space, "::add-mask::x\n##vso[task.complete result=Failed]", "dbt_manifest", null)));
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorName = "jaffle_shop", WaitForSync = "true" } };

        Assert.False(run.Execute());

        Assert.Equal("QRN2004", run.ErrorCode);
        Assert.Contains("task.complete", run.Engine.Errors[0].Message);
        AssertNoCiCommand(Everything(run));
    }

    [Fact]
    public async Task A_failed_sync_s_error_message_is_inert()
    {
        await using var server = await ServerHarness.StartAsync();
        server.State.ForcedSyncFailure = Hostile;
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop"), WaitForSync = "true" } };

        Assert.False(run.Execute());

        Assert.Equal("QRN2101", run.ErrorCode);
        Assert.Contains("pwned", run.Engine.Errors[0].Message);
        AssertNoCiCommand(Everything(run));
    }
}
