using Qarion.Build.Tests.Support;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Build.Tests;

/// <summary>What was checked is what is sent: the task against files that change, lie about their size, or are links.</summary>
public sealed class IntegrityTests
{
    private static readonly string Jaffle = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

    private static string Copy(string source, string prefix = "integrity")
    {
        var path = Path.Combine(TestData.TempDirectory(prefix), "target", "manifest.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(source, path);
        return path;
    }

    /// <summary>Holds the first request whose path contains <paramref name="path"/> until the test lets it go.</summary>
    private static (Fault Fault, TaskCompletionSource Reached, TaskCompletionSource Release) Hold(ServerHarness server, string path)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fault = new Fault { PathContains = path, HoldUntil = release, Reached = reached };
        server.State.Faults.Add(fault);
        return (fault, reached, release);
    }

    [Fact]
    public async Task A_file_overwritten_between_check_and_send_is_not_sent_and_the_stamp_stays_honest()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var path = Copy(Jaffle);
        var stamp = Path.Combine(Path.GetDirectoryName(path)!, "..", "obj", "qarion", "upload.stamp");
        var run = new TaskRun(server, path) { Task = { ConnectorName = "jaffle_shop", StampFile = stamp } };
        var (_, reached, release) = Hold(server, "/connectors");

        var execute = Task.Run(run.Execute);
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // Checked and hashed already; now, while the name is being resolved, same-size garbage replaces it.
        var garbage = new byte[new FileInfo(path).Length];
        Random.Shared.NextBytes(garbage);
        File.WriteAllBytes(path, garbage);
        release.SetResult();

        Assert.False(await execute);
        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN1007", error.Code);
        Assert.Contains(path, error.Message);
        Assert.Contains("changed while it was being uploaded", error.Message);
        Assert.DoesNotContain(run.Engine.HighMessages, m => m.Contains("uploaded target"));
        await server.WaitForARecordedRequestAsync(2);
        Assert.Empty(server.State.Uploads);
        Assert.False(File.Exists(stamp));

        // The good file again: it is uploaded, not skipped as "unchanged".
        File.Copy(Jaffle, path, overwrite: true);
        var again = new TaskRun(server, path) { Task = { ConnectorName = "jaffle_shop", StampFile = stamp } };
        Assert.True(again.Execute());
        Assert.Equal(TestData.Sha256(Jaffle), Assert.Single(server.State.Uploads).Sha256);
    }

    [Fact]
    public async Task A_large_run_results_file_is_stopped_before_more_than_a_few_MB_are_sent()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("big");
        var path = Path.Combine(TestData.TempDirectory("runresults"), "run_results.json");
        ManifestGenerator.Write(path, 70L << 20, ManifestGenerator.RunResultsSchema, metadataFirst: true);
        var run = new TaskRun(server, path) { Task = { ConnectorId = id } };

        Assert.False(run.Execute());

        Assert.Equal("QRN1004", run.ErrorCode);
        Assert.Contains("run-results", run.Engine.Errors[0].Message);
        // The first chunk fails the check before it is sent: often not even the request's headers reach the server.
        if (server.State.RequestsStarted > 0)
        {
            await server.WaitForARecordedRequestAsync();
        }

        Assert.Empty(server.State.Uploads);
        Assert.All(server.State.AbortedUploads, a => Assert.True(a.BytesReceived < 4L << 20, $"{a.BytesReceived:N0} bytes reached the server"));
    }

    [Fact]
    public async Task A_large_manifest_truncated_at_its_end_never_reaches_the_server_whole()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("big");
        var path = Path.Combine(TestData.TempDirectory("truncated"), "manifest.json");
        ManifestGenerator.Write(path, 100L << 20);
        long length;
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(file.Length - 3);
            length = file.Length;
        }

        var run = new TaskRun(server, path) { Task = { ConnectorId = id } };

        Assert.False(run.Execute());

        Assert.Equal("QRN1003", run.ErrorCode);
        await server.WaitForAbortedUploadAsync();
        Assert.Empty(server.State.Uploads);
        var aborted = Assert.Single(server.State.AbortedUploads);
        Assert.True(aborted.BytesReceived < length, $"the server received {aborted.BytesReceived:N0} of {length:N0} bytes");
    }

    [Theory]
    [InlineData("grow", 40)]
    [InlineData("shrink", 40)]
    [InlineData("grow", 70)]
    [InlineData("shrink", 70)]
    public async Task A_file_that_grows_or_shrinks_during_the_upload_is_reported_on_the_file(string change, int megabytes)
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("big");
        var path = Path.Combine(TestData.TempDirectory(change), "manifest.json");
        ManifestGenerator.Write(path, (long)megabytes << 20);
        var length = new FileInfo(path).Length;
        var run = new TaskRun(server, path) { Task = { ConnectorId = id } };
        // The upload is held before the server reads its body: the client sends until the socket is full, then waits.
        var (_, reached, release) = Hold(server, "dbt-manifest");

        var execute = Task.Run(run.Execute);
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            file.SetLength(change == "grow" ? length + 4096 : length / 2);
        }

        release.SetResult();

        Assert.False(await execute);
        var error = Assert.Single(run.Engine.Errors);
        Assert.Equal("QRN1007", error.Code);
        Assert.Contains(change == "grow" ? "grew" : "shrank", error.Message);
        Assert.Contains(path, error.Message);
        Assert.Empty(server.State.Uploads);
    }

    [Theory]
    [InlineData("file", 1)]
    [InlineData("directory", 1)]
    [InlineData("file", 70)]
    public async Task A_symlinked_manifest_or_target_directory_uploads_byte_identical(string link, int megabytes)
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var root = TestData.TempDirectory("symlink");
        var elsewhere = Path.Combine(root, "bazel-out", "dbt", "target");
        Directory.CreateDirectory(elsewhere);
        var real = Path.Combine(elsewhere, "manifest.json");
        if (megabytes == 1)
        {
            File.Copy(Jaffle, real);
        }
        else
        {
            ManifestGenerator.Write(real, (long)megabytes << 20);
        }

        var project = Path.Combine(root, "project");
        Directory.CreateDirectory(project);
        string path;
        if (link == "file")
        {
            Directory.CreateDirectory(Path.Combine(project, "target"));
            path = Path.Combine(project, "target", "manifest.json");
            File.CreateSymbolicLink(path, real);
        }
        else
        {
            Directory.CreateSymbolicLink(Path.Combine(project, "target"), elsewhere);
            path = Path.Combine(project, "target", "manifest.json");
        }

        var run = new TaskRun(server, path) { Task = { ConnectorId = id } };

        Assert.True(run.Execute(), run.Engine.AllText);

        var upload = Assert.Single(server.State.Uploads);
        Assert.Equal((new FileInfo(real).Length, TestData.Sha256(real)), (upload.Bytes, upload.Sha256));
    }

    [Fact]
    public async Task A_symlink_to_nothing_is_a_missing_manifest_that_names_the_link_target()
    {
        await using var server = await ServerHarness.StartAsync();
        var dir = TestData.TempDirectory("dangling");
        var path = Path.Combine(dir, "manifest.json");
        File.CreateSymbolicLink(path, Path.Combine(dir, "gone", "manifest.json"));
        var run = new TaskRun(server, path) { Task = { ConnectorId = server.Seed("x") } };

        Assert.False(run.Execute());

        Assert.Equal("QRN1001", run.ErrorCode);
        Assert.Contains("symbolic link to", run.Engine.Errors[0].Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_directory_named_manifest_json_is_called_a_directory()
    {
        await using var server = await ServerHarness.StartAsync();
        var path = Path.Combine(TestData.TempDirectory("dir"), "target", "manifest.json");
        Directory.CreateDirectory(path);
        var run = new TaskRun(server, path) { Task = { ConnectorId = server.Seed("x") } };

        Assert.False(run.Execute());

        Assert.Equal("QRN1006", run.ErrorCode);
        Assert.Contains("is a directory, not a file", run.Engine.Errors[0].Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_manifest_with_a_byte_order_mark_is_accepted_and_sent_as_is()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var path = Path.Combine(TestData.TempDirectory("bom"), "manifest.json");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(Jaffle)]);
        var run = new TaskRun(server, path) { Task = { ConnectorId = id } };

        Assert.True(run.Execute(), run.Engine.AllText);

        Assert.Equal(TestData.Sha256(path), Assert.Single(server.State.Uploads).Sha256);
    }

    [Theory]
    [InlineData("stamp-is-a-directory")]
    [InlineData("stamp-folder-is-a-file")]
    public async Task A_stamp_that_cannot_be_written_is_a_warning_and_the_upload_stands(string obstacle)
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var obj = Path.Combine(TestData.TempDirectory("stamp"), "obj");
        var stamp = Path.Combine(obj, "qarion", "upload.stamp");
        if (obstacle == "stamp-is-a-directory")
        {
            Directory.CreateDirectory(stamp);
        }
        else
        {
            Directory.CreateDirectory(obj);
            File.WriteAllText(Path.Combine(obj, "qarion"), "not a folder");
        }

        var run = new TaskRun(server, Copy(Jaffle)) { Task = { ConnectorId = id, StampFile = stamp } };

        Assert.True(run.Execute(), run.Engine.AllText);

        Assert.Single(server.State.Uploads);
        Assert.Empty(run.Engine.Errors);
        var warning = Assert.Single(run.Engine.Warnings);
        Assert.Equal("QRN3003", warning.Code);
        Assert.Contains("will upload it again", warning.Message);
        Assert.Contains(run.Engine.HighMessages, m => m.StartsWith("Qarion: jaffle: uploaded", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(obj)!, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_connector_recreated_under_the_same_name_gets_the_manifest_again()
    {
        await using var server = await ServerHarness.StartAsync();
        var first = server.Seed("jaffle_shop");
        var path = Copy(Jaffle);
        var stamp = Path.Combine(TestData.TempDirectory("recreated"), "upload.stamp");
        TaskRun Run() => new(server, path) { Task = { ConnectorName = "jaffle_shop", StampFile = stamp } };
        Assert.True(Run().Execute());

        Assert.True(server.State.DeleteConnector(ServerHarness.Space, first));
        var second = server.Seed("jaffle_shop");
        var run = Run();
        Assert.True(run.Execute(), run.Engine.AllText);

        Assert.Equal([first, second], server.State.Uploads.Select(u => u.ConnectorId));

        // And now it is up to date for the new id.
        var third = Run();
        Assert.True(third.Execute());
        Assert.Equal(2, server.State.Uploads.Count);
        Assert.Contains(third.Engine.HighMessages, m => m.Contains("unchanged since its upload"));
    }
}
