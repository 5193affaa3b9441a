using System.Diagnostics;
using Qarion.Build.Tests.Support;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>Only regular files are read or appended to: a FIFO or a device is named at once, and never hangs or crashes the task.</summary>
public sealed class NotRegularFileTests
{
    private static readonly string Jaffle = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

    private static string Fifo()
    {
        var path = Path.Combine(TestData.TempDirectory("fifo"), "pipe");
        using var mkfifo = Process.Start("mkfifo", [path])!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    /// <summary>The task on another thread, so a hang is a failed test and not a stuck run.</summary>
    private static async Task<bool> ExecuteWithin(TaskRun run, TimeSpan limit) =>
        await Task.Run(run.Execute).WaitAsync(limit);

    [Theory]
    [InlineData("fifo", "a FIFO (named pipe)")]
    [InlineData("/dev/zero", "a character device")]
    public async Task A_manifest_that_is_not_a_regular_file_is_QRN1006_at_once(string which, string what)
    {
        await using var server = await ServerHarness.StartAsync();
        var path = which == "fifo" ? Fifo() : which;
        var run = new TaskRun(server, path) { Task = { ConnectorId = server.Seed("jaffle_shop") } };

        Assert.False(await ExecuteWithin(run, TimeSpan.FromSeconds(60)));

        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN1006", error.Code);
        Assert.Contains($"it is {what}, not a regular file", error.Message);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("fifo", "a FIFO (named pipe)")]
    [InlineData("/dev/full", "a character device")]
    [InlineData("/dev/zero", "a character device")]
    public async Task A_step_summary_that_is_not_a_regular_file_costs_one_warning_and_the_upload_stands(string which, string what)
    {
        await using var server = await ServerHarness.StartAsync();
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop") } };
        run.Environment["GITHUB_STEP_SUMMARY"] = which == "fifo" ? Fifo() : which;

        Assert.True(await ExecuteWithin(run, TimeSpan.FromSeconds(60)), run.Engine.AllText);

        Assert.Single(server.State.Uploads);
        var warning = Assert.Single(run.Engine.Warnings);
        Assert.Equal("QRN3005", warning.Code);
        Assert.Contains($"is {what}, not a regular file", warning.Message);
    }

    [Fact]
    public async Task A_large_step_summary_is_read_only_at_its_end_and_gets_one_whole_row()
    {
        await using var server = await ServerHarness.StartAsync();
        var summary = Path.Combine(TestData.TempDirectory("summary"), "step_summary.md");
        // 8 MB of someone else's summary, then our table: only the tail is read to find it.
        File.WriteAllText(summary, new string('x', 8 << 20) + "\n\n### Qarion\n\n| Project | Manifest | Space and connector | Result |\n|---|---|---|---|\n| a | b | c | d |\n");
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop") } };
        run.Environment["GITHUB_STEP_SUMMARY"] = summary;

        Assert.True(run.Execute(), run.Engine.AllText);

        var lines = File.ReadAllText(summary).Split('\n');
        Assert.Equal("| a | b | c | d |", lines[^3]);
        Assert.StartsWith("| jaffle |", lines[^2]);
        Assert.Equal("", lines[^1]);
        Assert.Empty(run.Engine.Warnings);
    }

    [Fact]
    public async Task On_a_full_disk_the_summary_keeps_no_half_row_and_costs_one_warning()
    {
        // A real full disk: a 64 KB tmpfs. Mounting needs root, which CI and these machines have.
        var mountPoint = TestData.TempDirectory("full");
        using (var mount = Process.Start("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint])!)
        {
            mount.WaitForExit();
            Assert.True(mount.ExitCode == 0, "mount -t tmpfs needs root: run the tests as CI does");
        }

        try
        {
            await using var server = await ServerHarness.StartAsync();
            var summary = Path.Combine(mountPoint, "step_summary.md");
            // The summary fills its whole block, then the rest of the disk is filled.
            File.WriteAllText(summary, "# Earlier steps\n" + new string('x', 4096 - 17) + "\n");
            try
            {
                using var filler = new FileStream(Path.Combine(mountPoint, "filler"), FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
                var block = new byte[4096];
                while (true)
                {
                    filler.Write(block);
                }
            }
            catch (IOException)
            {
                // Full.
            }

            var before = File.ReadAllBytes(summary);
            var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = server.Seed("jaffle_shop") } };
            run.Environment["GITHUB_STEP_SUMMARY"] = summary;

            Assert.True(run.Execute(), run.Engine.AllText);

            Assert.Single(server.State.Uploads);
            Assert.Equal("QRN3005", Assert.Single(run.Engine.Warnings).Code);
            Assert.Equal(before, File.ReadAllBytes(summary));
        }
        finally
        {
            using var unmount = Process.Start("umount", ["-l", mountPoint])!;
            unmount.WaitForExit();
        }
    }
}
