using Qarion.Build.Upload;

namespace Qarion.Build.Tests;

/// <summary>The records under obj/ are read leniently: missing or damaged, they only cost the next build an upload or a read; one that cannot be written never fails a build.</summary>
public sealed class StampFilesTests
{
    private readonly string _dir = TestData.TempDirectory("stamps");

    [Fact]
    public void A_damaged_record_reads_as_none()
    {
        var path = Path.Combine(_dir, "upload.stamp");
        File.WriteAllText(path, "{ not json");

        Assert.Null(UploadStamp.Read(path));
        Assert.Null(CheckStamp.Read(path));
        Assert.Null(UploadStamp.Read(null));
        Assert.Null(UploadStamp.Read(Path.Combine(_dir, "none.stamp")));
    }

    [Fact]
    public void A_check_record_that_cannot_be_written_is_left_out_and_none_is_written_without_a_path()
    {
        var stamp = new CheckStamp(10, DateTime.UnixEpoch, 12, "1.10.13", 3);
        var blocked = Path.Combine(_dir, "a-file");
        File.WriteAllText(blocked, "");
        var written = Path.Combine(_dir, "obj", "check.stamp");

        stamp.TryWrite(null);
        stamp.TryWrite(Path.Combine(blocked, "check.stamp"));
        stamp.TryWrite(written);

        Assert.Equal(["a-file", "obj"], Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(stamp, CheckStamp.Read(written));
    }
}
