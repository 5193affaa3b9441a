using Qarion.Client.Tests.Support;
using Qarion.LocalServer.State;
using Qarion.Testing;

namespace Qarion.Client.Tests;

/// <summary>A file that changes size between the start of an upload and its (retried) sending is refused, and says how.</summary>
public sealed class FileChangedTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_file_whose_size_changed_before_a_retry_is_stopped_with_what_changed(bool grow)
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("changing");
        var path = Path.Combine(TestData.TempDirectory("changed"), "manifest.json");
        ManifestGenerator.Write(path, 1 << 20);
        var length = new FileInfo(path).Length;
        var said = $"it {(grow ? "grew" : "shrank")} from {length:N0} bytes, when the upload began, to {length + (grow ? 10 : -10):N0}";
        server.State.Faults.Add(new Fault { Status = 503, RetryAfter = "0", PathContains = "dbt-manifest", Body = "text" });
        // Between the refused first attempt and the second, something rewrites the file.
        using var client = server.Client(o => o.OnRetry = _ =>
        {
            using var file = new FileStream(path, FileMode.Open);
            file.SetLength(file.Length + (grow ? 10 : -10));
        });

        var error = await Assert.ThrowsAsync<QarionFileException>(() => client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, path));

        Assert.Equal((QarionFileProblem.Changed, path), (error.Problem, error.FilePath));
        Assert.Contains($"The dbt manifest {path} changed while it was being uploaded: {said}.", error.Message);
        Assert.Empty(server.State.Uploads);
    }

    /// <summary>Rewrites the file once, on the first chunk it sees: while the upload is reading it.</summary>
    internal sealed class Rewriter(string path, long newLength) : IUploadInspector
    {
        public int Completions { get; private set; }

        private bool _done;

        public void Inspect(ReadOnlySpan<byte> chunk)
        {
            if (!_done)
            {
                _done = true;
                using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                file.SetLength(newLength);
            }
        }

        public void Complete() => Completions++;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_file_that_changes_size_while_it_is_read_is_stopped_before_its_last_byte_with_what_changed(bool grow)
    {
        await using var server = await ServerHarness.StartAsync();
        var id = server.Seed("changing");
        var path = Path.Combine(TestData.TempDirectory("changing"), "manifest.json");
        ManifestGenerator.Write(path, 3 << 20);
        var length = new FileInfo(path).Length;
        var newLength = grow ? length + 10 : (1 << 20) + 5;
        var rewriter = new Rewriter(path, newLength);
        using var client = server.Client(o => o.MaxRetries = 0);

        var error = await Assert.ThrowsAsync<QarionFileException>(() =>
            client.Connectors.UploadDbtManifestAsync(ServerHarness.Space, id, path, new DbtManifestUploadOptions { CreateInspector = () => rewriter }));

        var said = grow
            ? $"it grew while it was sent (more than the {length:N0} bytes it had when the upload began)"
            : $"it shrank while it was sent ({length:N0} bytes when the upload began, {newLength:N0} read)";
        Assert.Equal((QarionFileProblem.Changed, path), (error.Problem, error.FilePath));
        Assert.Contains($"The dbt manifest {path} changed while it was being uploaded: {said}.", error.Message);
        Assert.Equal(0, rewriter.Completions);
        Assert.Empty(server.State.Uploads);
    }
}
