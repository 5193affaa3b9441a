namespace Qarion.Build.Upload;

/// <summary>What the upload tells the build log; the task maps it onto MSBuild's logger.</summary>
internal interface IUploadLog
{
    /// <summary>One line a person reads in a CI log (high importance).</summary>
    void Summary(string message);

    void Detail(string message);

    void Warning(string code, string message, string? file = null);
}
