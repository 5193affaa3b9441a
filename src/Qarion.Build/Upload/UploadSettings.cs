using System.Globalization;
using Qarion.Workflow;
using Qarion.Client.Http;

namespace Qarion.Build.Upload;

/// <summary>Why a build checks the manifest and sends nothing.</summary>
internal enum CheckOnlyCause
{
    /// <summary>QarionCheckOnly=true: a dry run.</summary>
    Asked,

    /// <summary>A pull-request build, by default.</summary>
    PullRequest,

    /// <summary>A developer build (no CI, QarionUploadEnabled not given): checked with no request at all.</summary>
    NotCI,
}

/// <summary>The task's string parameters, checked and typed. Every problem is a coded configuration error.</summary>
internal sealed record UploadSettings : IRunContext
{
    /// <summary>Messages name MSBuild properties.</summary>
    public SettingNames Names => SettingNames.MSBuild;

    public required string ManifestPath { get; init; }
    public required string Space { get; init; }
    public string? ConnectorId { get; init; }
    public string? ConnectorName { get; init; }
    public required Uri ApiUrl { get; init; }
    public required string ApiKeyEnvironmentVariable { get; init; }
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(Defaults.TimeoutSeconds);
    public int MaxRetries { get; init; } = Defaults.MaxRetries;
    public bool WaitForSync { get; init; }
    public TimeSpan SyncTimeout { get; init; } = TimeSpan.FromSeconds(Defaults.SyncTimeoutSeconds);
    public TimeSpan SyncPollInterval { get; init; } = TimeSpan.FromSeconds(Defaults.SyncPollSeconds);
    public bool ForceUpload { get; init; }
    public string? StampFile { get; init; }

    /// <summary>Where a developer build records the manifest it last checked (under obj/, beside the upload stamp).</summary>
    public string? CheckStampFile { get; init; }

    /// <summary>Check the manifest and send nothing (a pull-request build, or QarionCheckOnly).</summary>
    public bool CheckOnly { get; init; }

    /// <summary>Why the build checks only.</summary>
    public CheckOnlyCause CheckOnlyCause { get; init; }

    /// <summary>The pull request, as the CI's variables describe it, when <see cref="CheckOnlyCause"/> is <see cref="CheckOnlyCause.PullRequest"/>.</summary>
    public string? PullRequest { get; init; }

    /// <summary>
    /// The key, read once from the variable named by <see cref="ApiKeyEnvironmentVariable"/>, trimmed; null
    /// when it is not set. Checked only where a request needs it: a check-only build needs none.
    /// </summary>
    public string? ApiKey { get; init; }

    /// <summary>
    /// One API call's deadline, its retries and rate-limit waits included: every attempt may take all of
    /// QarionTimeoutSeconds, so (QarionMaxRetries + 1) times that. The sync wait has its own, QarionSyncTimeoutSeconds.
    /// </summary>
    public TimeSpan CallDeadline => RequestTimeout * (MaxRetries + 1);

    /// <summary>How the deadline is made, for messages that advise raising it.</summary>
    public string DeadlineAdvice => Names.DeadlineAdvice(RequestTimeout, MaxRetries);

    /// <summary>What the connector is called in messages and the stamp: its id, or its name.</summary>
    public string ConnectorKey => ConnectorId ?? "name:" + ConnectorName;

    /// <summary>The variable that holds the key: QarionApiKeyEnvironmentVariable, or the default.</summary>
    public static string KeyVariable(string? apiKeyEnvironmentVariable) => Blank(apiKeyEnvironmentVariable) ?? Defaults.ApiKeyEnvironmentVariable;

    /// <summary>The key as the environment holds it, trimmed, or null: read once per task, before anything can fail, so every message can be scrubbed of it.</summary>
    public static string? ReadKey(Func<string, string?> environment, string variable) => Blank(environment(variable));

    /// <summary>Never the key: a settings object may end up in a debugger's or a log's view.</summary>
    public override string ToString() => $"{nameof(UploadSettings)} {{ {ManifestPath}, space '{Space}', connector {ConnectorKey}, {ApiUrl.GetLeftPart(UriPartial.Path)} }}";

    public static UploadSettings From(QarionUploadDbtManifest task, string? apiKey)
    {
        if (string.IsNullOrWhiteSpace(task.Space))
        {
            throw UploadFailure.Config(Codes.SpaceMissing,
                "QarionSpace is not set: set it to the slug of the Qarion space to upload to, e.g. <QarionSpace>marketing-analytics</QarionSpace>.");
        }

        if (PathSegment.IsDotSegment(task.Space))
        {
            throw UploadFailure.Config(Codes.SpaceMissing,
                $"QarionSpace is '{task.Space.Trim()}', which is no space slug: as a segment of a request path it would address another resource. " +
                "Set it to the slug of the Qarion space, e.g. <QarionSpace>marketing-analytics</QarionSpace>.");
        }

        var manifestPath = FullPath(task.ManifestPath);

        var id = Blank(task.ConnectorId);
        var name = Blank(task.ConnectorName);
        if ((id is null) == (name is null))
        {
            throw UploadFailure.Config(Codes.ConnectorChoice, id is null
                ? "No connector given: set QarionConnectorId (the connector's UUID) or QarionConnectorName (its name in the space)."
                : $"Both QarionConnectorId ('{id}') and QarionConnectorName ('{name}') are set: keep exactly one.");
        }

        if (id is not null && !Guid.TryParse(id, out _))
        {
            throw UploadFailure.Config(Codes.ConnectorChoice,
                $"QarionConnectorId is '{id}', which is not a UUID. Set the connector's id (as Qarion shows it), or use QarionConnectorName.");
        }

        var apiUrl = ApiAddress.Parse(task.ApiUrl, SettingNames.MSBuild);

        return new UploadSettings
        {
            ManifestPath = manifestPath,
            Space = task.Space.Trim(),
            ConnectorId = id,
            ConnectorName = name,
            ApiUrl = apiUrl,
            ApiKeyEnvironmentVariable = KeyVariable(task.ApiKeyEnvironmentVariable),
            ApiKey = apiKey,
            RequestTimeout = Seconds("QarionTimeoutSeconds", task.TimeoutSeconds, Defaults.TimeoutSeconds),
            MaxRetries = Count("QarionMaxRetries", task.MaxRetries, Defaults.MaxRetries, 0, 20),
            WaitForSync = Flag(task.WaitForSync),
            SyncTimeout = Seconds("QarionSyncTimeoutSeconds", task.SyncTimeoutSeconds, Defaults.SyncTimeoutSeconds),
            SyncPollInterval = Seconds("QarionSyncPollSeconds", task.SyncPollSeconds, Defaults.SyncPollSeconds),
            ForceUpload = Flag(task.ForceUpload),
            StampFile = Blank(task.StampFile),
            CheckStampFile = Blank(task.CheckStampFile),
            CheckOnly = Flag(task.CheckOnly),
            CheckOnlyCause = Blank(task.CheckOnlyReason) switch
            {
                "PullRequest" => CheckOnlyCause.PullRequest,
                "NotCI" => CheckOnlyCause.NotCI,
                _ => CheckOnlyCause.Asked,
            },
            PullRequest = Blank(task.PullRequest),
        };
    }

    /// <summary>A property's text, trimmed, or null when it is empty or white space.</summary>
    internal static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>An MSBuild boolean as a property gives it: "true" in any case, else false.</summary>
    internal static bool Flag(string? value) => string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The manifest's full path; a path the system cannot take (a NUL character) is QRN1006 naming the property.</summary>
    private static string FullPath(string path)
    {
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new UploadFailure(Codes.ManifestUnreadable,
                $"QarionManifestPath ('{path.Replace("\0", "\\0", StringComparison.Ordinal)}') holds a NUL character, which no file name can: set it to the path of dbt's manifest.json.",
                isServiceFailure: false);
        }

        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UploadFailure(Codes.ManifestUnreadable,
                $"QarionManifestPath ('{path}') is not a usable path: {ex.Message} Set it to the path of dbt's manifest.json.", isServiceFailure: false);
        }
    }

    /// <summary>A URL's text as a message may show it: never a password written before an '@'.</summary>
    private static TimeSpan Seconds(string property, string? value, double fallback) =>
        TimeSpan.FromSeconds(Number(property, value, fallback, 0.001, 86_400));

    private static double Number(string property, string? value, double fallback, double min, double max)
    {
        if (Blank(value) is not { } text)
        {
            return fallback;
        }

        // NaN and infinities parse as numbers and compare false with everything: refused by name.
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number) || number < min || number > max)
        {
            throw UploadFailure.Config(Codes.BadNumber, $"{property} is '{text}'; it must be a number from {min} to {max}.");
        }

        return number;
    }

    /// <summary>A whole number: 2.9 retries is a mistake to report, not a 2 to guess.</summary>
    private static int Count(string property, string? value, int fallback, int min, int max)
    {
        if (Blank(value) is not { } text)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
        {
            throw UploadFailure.Config(Codes.BadNumber, $"{property} is '{text}'; it must be a whole number from {min} to {max}.");
        }

        return number;
    }
}
