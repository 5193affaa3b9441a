using System.Diagnostics;
using Qarion.Build.Tests.Support;
using Qarion.Tests.Shared;

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
            Assert.Contains("dbt stand-in: build: wrote", run.Output);
            Assert.Matches(@"connector 'jaffle_shop' \([0-9a-f-]{36}\): sync job", run.Output);
            Assert.Matches(@"connector 'hubspot' \([0-9a-f-]{36}\): sync job", run.Output);
            Assert.Matches(@"sync job [0-9a-f-]{36}: succeeded: 46 tables added, 0 updated, 0 deleted; manifest v12, 40 nodes, 6 sources", run.Output);
            Assert.Matches(@"sync job [0-9a-f-]{36}: succeeded: 344 tables added, 0 updated, 0 deleted; manifest v12, 283 nodes, 61 sources", run.Output);
            Assert.DoesNotContain("local-quickstart-key", run.Output);
        }

        Assert.DoesNotContain(Process.GetProcessesByName("dotnet"), p => CommandLine(p).Contains("--url-file", StringComparison.Ordinal) && CommandLine(p).Contains("jaffle-shop/hubspot", StringComparison.Ordinal));
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
