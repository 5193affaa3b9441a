using System.Text;
using Qarion.Client.Http;
using Qarion.Files;

namespace Qarion.Build.Reporting;

/// <summary>
/// Puts a project's row on the CI run's page where the CI offers one: GitHub Actions' step summary
/// (GITHUB_STEP_SUMMARY, shared by every project of a `dotnet build -m`, so appended under an exclusive
/// lock), and Azure Pipelines' build summary (a file under obj/qarion/ announced with ##vso[task.uploadsummary]).
/// The summary never fails a build and never holds it up for more than a moment: only a regular file
/// is written, at most its last few KB are read, a row goes in whole or not at all, and an error that
/// waiting cannot mend ends at once with <see cref="SummaryProblem"/>.
/// </summary>
internal sealed class SummaryWriter(Func<string, string?> environment, Action<string> announce)
{
    /// <summary>How much of an existing summary is read: enough to see whether it ends with our table.</summary>
    private const int TailBytes = 64 * 1024;

    /// <summary>How long another project of the same build may hold the file before this row is given up.</summary>
    private static readonly TimeSpan LockPatience = TimeSpan.FromSeconds(2);

    /// <summary>The wait between two tries for the lock. A seam for tests.</summary>
    public Action<TimeSpan> Pause { get; init; } = Thread.Sleep;

    /// <param name="row">The project's row.</param>
    /// <param name="intermediateDirectory">obj/qarion/, where Azure's summary file goes (none: no Azure summary).</param>
    /// <param name="azureFile">The file's name there: one per step, as Azure shows each announced file as a section.</param>
    public void Write(SummaryRow row, string? intermediateDirectory, string azureFile = "summary.md")
    {
        if (environment("GITHUB_STEP_SUMMARY") is { Length: > 0 } stepSummary)
        {
            AppendLocked(stepSummary, row);
        }

        if (!string.IsNullOrEmpty(environment("TF_BUILD")) && intermediateDirectory is not null)
        {
            Directory.CreateDirectory(intermediateDirectory);
            var path = Path.Combine(intermediateDirectory, azureFile);
            File.WriteAllText(path, RunSummary.Section(row), new UTF8Encoding(false));
            announce($"##vso[task.uploadsummary]{path}");
        }
    }

    /// <summary>Reads the tail and appends while holding the file alone, so rows of parallel projects never interleave.</summary>
    private void AppendLocked(string path, SummaryRow row)
    {
        if (FileKind.NotRegular(path) is { } kind)
        {
            throw new SummaryProblem($"GITHUB_STEP_SUMMARY ({path}) is {kind}, not a regular file, so no row was written to it");
        }

        var deadline = DateTime.UtcNow + LockPatience;
        while (true)
        {
            FileStream file;
            try
            {
                // Unbuffered: a write that fails (a full disk) fails here, where the partial row is taken back.
                file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
            }
            catch (IOException ex) when (FileLocks.IsHeldByAnother(ex) && DateTime.UtcNow < deadline)
            {
                // Another project of the same build holds the file for a moment.
                Pause(TimeSpan.FromMilliseconds(20));
                continue;
            }

            using (file)
            {
                var length = file.Length;
                var bytes = new UTF8Encoding(false).GetBytes(RunSummary.Append(Tail(file, length), row));
                file.Seek(0, SeekOrigin.End);
                try
                {
                    file.Write(bytes);
                    file.Flush();
                }
                catch (IOException)
                {
                    // A full disk: take back the part of the row that was written, so no half row stays.
                    TryTruncate(file, length);
                    throw;
                }
            }

            return;
        }
    }

    private static string Tail(FileStream file, long length)
    {
        var start = Math.Max(0, length - TailBytes);
        file.Seek(start, SeekOrigin.Begin);
        var buffer = new byte[length - start];
        file.ReadExactly(buffer);
        var text = new UTF8Encoding(false).GetString(buffer);
        // A tail cut mid-line: only whole lines count.
        return start > 0 && text.IndexOf('\n') is >= 0 and var first ? text[(first + 1)..] : text;
    }

    private static void TryTruncate(FileStream file, long length)
    {
        try
        {
            file.SetLength(length);
        }
        catch (IOException)
        {
            // Nothing more can be done; the warning says the row was not written.
        }
    }
}

/// <summary>A run summary that could not be written, with what the path is: one warning, never a failed build.</summary>
internal sealed class SummaryProblem(string message) : IOException(message);
