using Microsoft.Build.Framework;
using Qarion.Build.Tests.Support;
using Qarion.Build.Upload;
using Qarion.LocalServer.State;

namespace Qarion.Build.Tests;

/// <summary>What the uploader does around the upload itself: when it checks first, what it says along the way, what it records, who it says it is, how a cancel is told.</summary>
public sealed class UploaderTests
{
    private static readonly string Jaffle = TestData.Manifest("jaffle-shop-dbt-1.10.manifest.json");

    private static (string Manifest, string Stamp) Project()
    {
        var dir = TestData.TempDirectory("uploader");
        var manifest = Path.Combine(dir, "target", "manifest.json");
        Directory.CreateDirectory(Path.GetDirectoryName(manifest)!);
        File.Copy(Jaffle, manifest);
        return (manifest, Path.Combine(dir, "obj", "qarion", "upload.stamp"));
    }

    [Fact]
    public async Task A_small_manifest_broken_after_an_earlier_upload_is_refused_before_any_request()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var (manifest, stamp) = Project();
        Assert.True(new TaskRun(server, manifest) { Task = { ConnectorId = id, StampFile = stamp } }.Execute());
        File.WriteAllText(manifest, "<<<<<<< HEAD\n{}");
        File.SetLastWriteTimeUtc(manifest, DateTime.UtcNow.AddMinutes(1));

        var run = new TaskRun(server, manifest) { Task = { ConnectorId = id, StampFile = stamp } };

        Assert.False(run.Execute());
        Assert.Equal("QRN1003", run.ErrorCode);
        Assert.Single(server.Requests);
        Assert.Empty(server.State.AbortedUploads);
    }

    [Fact]
    public async Task The_upload_says_why_it_sends_records_what_it_sent_and_names_itself_to_the_server()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var (manifest, stamp) = Project();
        var run = new TaskRun(server, manifest) { Task = { ConnectorId = id, StampFile = stamp } };

        Assert.True(run.Execute());

        Assert.Single(run.Engine.Messages, m => m.Importance == MessageImportance.Normal
            && m.Message == $"Qarion: jaffle: sending {Reporting.Wording.Display(manifest)}: there is no record of an earlier upload ({stamp}).");
        var recorded = UploadStamp.Read(stamp)!;
        Assert.Equal(new StampedFacts(12, "1.10.13", 40), recorded.Facts);
        Assert.Equal((TestData.Xxh64(manifest), new FileInfo(manifest).Length, id), (recorded.Fingerprint, recorded.Bytes, recorded.ConnectorId));
        Assert.Matches(@"^Qarion\.Client/\S+ Qarion\.Build/\d+\.\d+\.\d+", Assert.Single(server.Requests).UserAgent);
    }

    [Fact]
    public async Task A_manifest_rewritten_with_the_same_bytes_is_skipped_and_its_new_time_recorded()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var (manifest, stamp) = Project();
        Assert.True(new TaskRun(server, manifest) { Task = { ConnectorId = id, StampFile = stamp } }.Execute());
        var later = DateTime.UtcNow.AddMinutes(2);
        File.SetLastWriteTimeUtc(manifest, later);

        var run = new TaskRun(server, manifest) { Task = { ConnectorId = id, StampFile = stamp } };

        Assert.True(run.Execute());
        Assert.Single(server.State.Uploads);
        Assert.Contains(run.Engine.HighMessages, m => m.Contains("is unchanged since its upload", StringComparison.Ordinal));
        // Recorded, so the next build trusts the time again and reads nothing.
        Assert.Equal(File.GetLastWriteTimeUtc(manifest), UploadStamp.Read(stamp)!.LastWriteUtc);
    }

    [Fact]
    public async Task A_check_only_build_warns_of_a_newer_schema()
    {
        await using var server = await ServerHarness.StartAsync();
        server.Seed("jaffle_shop");
        var path = Path.Combine(TestData.TempDirectory("v13-check"), "manifest.json");
        ManifestGenerator.Write(path, 200_000, "https://schemas.getdbt.com/dbt/manifest/v13.json");
        var run = new TaskRun(server, path) { Task = { ConnectorName = "jaffle_shop", CheckOnly = "true" } };

        Assert.True(run.Execute());

        Assert.Equal("QRN1005", Assert.Single(run.Engine.Warnings).Code);
        Assert.Empty(server.State.Uploads);
    }

    [Fact]
    public async Task A_cancel_while_the_manifest_is_being_sent_says_the_server_may_have_it()
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("jaffle_shop");
        var held = new TaskCompletionSource();
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.State.Faults.Add(new Fault { PathContains = "/dbt-manifest", Method = "POST", HoldUntil = held, Reached = reached });
        var run = new TaskRun(server, Jaffle) { Task = { ConnectorId = id } };

        try
        {
            var execute = Task.Run(run.Execute);
            await reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
            run.Task.Cancel();

            Assert.False(await execute.WaitAsync(TimeSpan.FromSeconds(60)));
        }
        finally
        {
            held.TrySetResult();
        }

        Assert.Contains("Qarion: jaffle: upload cancelled while the manifest was being sent or answered: the server may or may not have it. Nothing was recorded as uploaded, so the next build sends it again.",
            run.Engine.HighMessages);
    }
}
