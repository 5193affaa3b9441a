using System.Diagnostics;
using Qarion.Build.Tests.Support;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>The README's first command, run as a newcomer runs it. In the package collection: it packs too.</summary>
[Collection(PackageCollection.Name)]
public sealed class QuickStartTests
{
    [Fact]
    public async Task The_quick_start_uploads_both_samples_twice_in_a_row_and_leaves_no_server()
    {
        var script = Path.Combine(TestData.RepositoryRoot, "samples", "quickstart.sh");

        var first = await DotnetRunner.RunProgramAsync("bash", TestData.RepositoryRoot, [script]);
        var second = await DotnetRunner.RunProgramAsync("bash", TestData.RepositoryRoot, [script]);

        foreach (var run in new[] { first, second })
        {
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("Qarion: jaffle_shop: dbt build in ", run.Output);
            Assert.Contains("Qarion: hubspot: dbt build in ", run.Output);
            Assert.Matches(@"connector 'jaffle_shop' \([0-9a-f-]{36}\): sync job", run.Output);
            Assert.Matches(@"connector 'hubspot' \([0-9a-f-]{36}\): sync job", run.Output);
            Assert.Matches(@"sync job [0-9a-f-]{36}: succeeded: 46 tables added, 0 updated, 0 deleted; manifest v12, 40 nodes, 6 sources", run.Output);
            Assert.Matches(@"sync job [0-9a-f-]{36}: succeeded: 344 tables added, 0 updated, 0 deleted; manifest v12, 283 nodes, 61 sources", run.Output);
            Assert.DoesNotContain("local-quickstart-key", run.Output);
            // The story and nothing else: the space every example names, and no build summaries between the steps.
            Assert.Contains("to space 'marketing-analytics', connector 'jaffle_shop'", run.Output);
            Assert.DoesNotContain("Build succeeded", run.Output);
            Assert.DoesNotContain("Warning(s)", run.Output);
        }

        Assert.DoesNotContain(Process.GetProcessesByName("dotnet"), p => CommandLine(p).Contains("--url-file", StringComparison.Ordinal) && CommandLine(p).Contains("marketing-analytics/hubspot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ctrl_C_in_the_quick_start_stops_its_server()
    {
        var script = Path.Combine(TestData.RepositoryRoot, "samples", "quickstart.sh");
        static bool OurServer(Process p) => CommandLine(p) is var c && c.Contains("--url-file", StringComparison.Ordinal) && c.Contains("marketing-analytics/hubspot", StringComparison.Ordinal);
        var sawServer = false;

        // setsid: the script leads its own process group, as in a terminal, where Ctrl+C reaches the whole group.
        var result = await DotnetRunner.RunProgramAsync("setsid", TestData.RepositoryRoot, ["bash", script], whileRunning: async process =>
        {
            for (var i = 0; i < 1200 && !process.HasExited && !(sawServer = Process.GetProcessesByName("dotnet").Any(OurServer)); i++)
            {
                await Task.Delay(50);
            }

            using var interrupt = Process.Start("kill", ["-INT", "--", "-" + process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            await interrupt.WaitForExitAsync();
        });

        Assert.True(sawServer, result.ToString());
        Assert.Equal(130, result.ExitCode);
        Assert.Contains("quickstart: interrupted", result.Output);
        // The server ends on the script's SIGTERM a moment after the script: wait for that, not for a fixed time.
        for (var i = 0; i < 600 && Process.GetProcessesByName("dotnet").Any(OurServer); i++)
        {
            await Task.Delay(50);
        }

        Assert.DoesNotContain(Process.GetProcessesByName("dotnet"), OurServer);
    }

    private static string CommandLine(Process process)
    {
        try
        {
            return File.ReadAllText($"/proc/{process.Id}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }
}
