using System.Text;

namespace Qarion.Build.Reporting;

/// <summary>
/// Puts a project's row on the CI run's page where the CI offers one: GitHub Actions' step summary
/// (GITHUB_STEP_SUMMARY, shared by every project of a `dotnet build -m`, so appended under an exclusive
/// lock), and Azure Pipelines' build summary (a file under obj/qarion/ announced with ##vso[task.uploadsummary]).
/// </summary>
internal sealed class SummaryWriter(Func<string, string?> environment, Action<string> announce)
{
    public void Write(SummaryRow row, string? intermediateDirectory)
    {
        if (environment("GITHUB_STEP_SUMMARY") is { Length: > 0 } stepSummary)
        {
            AppendLocked(stepSummary, row);
        }

        if (!string.IsNullOrEmpty(environment("TF_BUILD")) && intermediateDirectory is not null)
        {
            Directory.CreateDirectory(intermediateDirectory);
            var path = Path.Combine(intermediateDirectory, "summary.md");
            File.WriteAllText(path, RunSummary.Section(row), new UTF8Encoding(false));
            announce($"##vso[task.uploadsummary]{path}");
        }
    }

    /// <summary>Reads and appends while holding the file alone, so rows of parallel projects never interleave.</summary>
    private static void AppendLocked(string path, SummaryRow row)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                using var reader = new StreamReader(file, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, leaveOpen: true);
                var existing = reader.ReadToEnd();
                var bytes = new UTF8Encoding(false).GetBytes(RunSummary.Append(existing, row));
                file.Seek(0, SeekOrigin.End);
                file.Write(bytes);
                return;
            }
            catch (IOException) when (attempt < 200)
            {
                // Another project of the same build holds the file for a moment.
                Thread.Sleep(50);
            }
        }
    }
}
