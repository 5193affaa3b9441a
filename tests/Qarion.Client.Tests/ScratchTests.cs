using Qarion.Testing;

namespace Qarion.Client.Tests;

/// <summary>Test runs leave nothing behind: a run's scratch goes when it ends, and a killed run's goes with the next one.</summary>
public sealed class ScratchTests
{
    [Fact]
    public void Scratch_of_runs_whose_process_is_gone_is_removed_and_a_live_runs_is_kept()
    {
        var parent = TestData.TempDirectory("parent");
        var abandoned = Path.Combine(parent, "run-2147483000-0123456789abcdef");
        var live = Path.Combine(parent, $"run-{Environment.ProcessId}-0123456789abcdef");
        foreach (var dir in new[] { abandoned, live })
        {
            Directory.CreateDirectory(Path.Combine(dir, "deep", "folder"));
            File.WriteAllText(Path.Combine(dir, "deep", "folder", "manifest.json"), "{}");
        }

        TestData.RemoveAbandonedRuns(parent);

        Assert.False(Directory.Exists(abandoned));
        Assert.True(Directory.Exists(live));
    }

    [Fact]
    public void Every_scratch_folder_of_this_run_is_under_the_run_folder()
    {
        var dir = TestData.TempDirectory("where");

        Assert.StartsWith(TestData.RunDirectory + Path.DirectorySeparatorChar, dir);
        Assert.Contains($"run-{Environment.ProcessId}-", TestData.RunDirectory);
    }

    [Fact]
    public async Task A_tests_scratch_folders_are_its_own_also_across_awaits()
    {
        await Task.Yield();
        var dir = TestData.TempDirectory("tracked");
        await Task.Delay(1);

        Assert.True(TestData.TracksScratch);
        Assert.True(Directory.Exists(dir));
    }
}
