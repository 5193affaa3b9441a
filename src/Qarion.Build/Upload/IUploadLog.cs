namespace Qarion.Build.Upload;

/// <summary>What the upload tells the build log; the task maps it onto MSBuild's logger.</summary>
internal interface IUploadLog
{
    /// <summary>One line a person reads in a CI log (high importance).</summary>
    void Summary(string message);

    /// <summary>What happened along the way: retries, waits (normal importance).</summary>
    void Detail(string message);

    /// <summary>Inputs and resolved values, for a detailed log or a binlog (low importance).</summary>
    void Debug(string message);

    void Warning(string code, string message, string? file = null);
}
