using System.Diagnostics;
using Qarion.Workflow;
using Qarion.Build.Reporting;
using Qarion.Client;
using Qarion.Client.Http;
using Qarion.Dbt.Manifests;

namespace Qarion.Build.Upload;

/// <summary>What the task hands back to MSBuild as its outputs, and the project's run-summary row.</summary>
internal sealed record UploadOutcome(string? SyncJobId, string? SyncJobStatus, SummaryRow Row);

/// <summary>
/// Carries out what <see cref="UploadDecision"/> decides: checks the manifest, resolves the connector,
/// uploads, optionally waits for the sync, and keeps the stamp. Every failure leaves as an
/// <see cref="UploadFailure"/> with its code.
/// </summary>
internal sealed class ManifestUploader(UploadSettings settings, IUploadLog log, string project)
{
    /// <summary>Files up to this size are checked whole before any request (<see cref="CheckingInspector.CheckFirstLimit"/>).</summary>
    internal const long CheckFirstLimit = CheckingInspector.CheckFirstLimit;

    /// <summary>A seam for tests: waits between retries and polls.</summary>
    internal Action<QarionClientOptions>? ConfigureClient { get; init; }

    /// <summary>How often a long sync wait says how it stands. A seam for tests.</summary>
    internal TimeSpan SyncProgressInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The build's work: upload, skip or check only, as decided; <paramref name="progress"/> says how far it got.</summary>
    public Task<UploadOutcome> RunAsync(UploadProgress progress, CancellationToken cancellationToken)
    {
        log.Debug(Wording.Inputs(settings));
        return WithManifestAsync(file => RunAsync(file, progress, cancellationToken));
    }

    /// <summary>
    /// For <c>dotnet build -question</c>: the decision a build would make, from the file and the stamp
    /// only. Nothing is sent; a connector given by name is not looked up (see <see cref="UploadDecision.ConnectorUnconfirmed"/>).
    /// </summary>
    public Task<UploadDecision> QuestionAsync(CancellationToken cancellationToken) => WithManifestAsync(async file =>
    {
        var stamp = UploadStamp.Read(settings.StampFile);
        var state = await StateAsync(file, stamp, checkedFirst: null, cancellationToken).ConfigureAwait(false);
        return UploadDecision.Decide(settings, stamp, state, settings.ConnectorId);
    });

    /// <summary>Finds the manifest and runs <paramref name="work"/> on it; every known failure leaves with its code.</summary>
    private async Task<T> WithManifestAsync<T>(Func<DbtManifestFile, Task<T>> work)
    {
        try
        {
            return await work(DbtManifestFile.Find(settings.ManifestPath)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not UploadFailure and not OperationCanceledException && FailureMapper.From(ex, settings) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>The file as the decision needs it: its content's hash only when the stamp matches in all but the file's time.</summary>
    private async Task<ManifestState> StateAsync(DbtManifestFile file, UploadStamp? stamp, DbtManifestInfo? checkedFirst, CancellationToken cancellationToken)
    {
        var state = new ManifestState(file.Length, file.LastWriteUtc);
        return UploadDecision.NeedsFingerprint(settings, stamp, state)
            ? state with { Fingerprint = checkedFirst?.Fingerprint ?? await DbtManifestFingerprint.OfFileAsync(file.FullPath, cancellationToken).ConfigureAwait(false) }
            : state;
    }

    private async Task<UploadOutcome> RunAsync(DbtManifestFile file, UploadProgress progress, CancellationToken cancellationToken)
    {
        var stamp = settings.CheckOnly ? null : UploadStamp.Read(settings.StampFile);

        // A file up to the limit that may be sent is read once here: checked and hashed. What is sent is verified against that hash.
        DbtManifestInfo? checkedFirst = null;
        if (!settings.CheckOnly && file.Length <= CheckFirstLimit && (stamp is null || !stamp.SameFileTime(file.LastWriteUtc)))
        {
            var checking = Stopwatch.StartNew();
            checkedFirst = await DbtManifestCheck.CheckFileAsync(file.FullPath, new DbtManifestCheckOptions { Fingerprint = true }, cancellationToken).ConfigureAwait(false);
            log.Debug(Wording.CheckedFirst(file.FullPath, file.Length, checking.Elapsed));
            WarnIfNewer(checkedFirst);
        }

        var state = await StateAsync(file, stamp, checkedFirst, cancellationToken).ConfigureAwait(false);
        var decision = UploadDecision.Decide(settings, stamp, state, settings.ConnectorId);
        if (decision.Action == UploadAction.CheckOnly)
        {
            return await CheckOnlyAsync(file, decision.Reason, cancellationToken).ConfigureAwait(false);
        }

        if (decision is { Action: UploadAction.Skip, ConnectorUnconfirmed: false })
        {
            return Skip(file, decision);
        }

        using var client = CreateClient();
        var (connectorId, connectorName) = await ConnectorResolver.ResolveAsync(client, settings, cancellationToken).ConfigureAwait(false);
        log.Debug(Wording.ConnectorIs(connectorId, connectorName, settings.Space));
        if (decision.Action == UploadAction.Skip)
        {
            // By name: the same name may now be another connector (deleted and created again), which has not got the manifest.
            decision = UploadDecision.Decide(settings, stamp, state, connectorId);
            if (decision.Action == UploadAction.Skip)
            {
                return Skip(file, decision);
            }

            log.Detail(Wording.NameMovedOn(decision));
        }
        else
        {
            log.Detail(Wording.Sending(file.FullPath, decision.Reason));
        }

        var clock = Stopwatch.StartNew();
        progress.Sending();
        // Every byte sent is checked on its way out, ahead of the network. A small file, checked above, is
        // sent only if its bytes still have the fingerprint it had; a larger one is fingerprinted as it goes.
        var check = new DbtManifestCheckOptions { Fingerprint = true, ExpectedFingerprint = checkedFirst?.Fingerprint, ExplainFrom = file.FullPath };
        CheckingInspector? sent = null;
        var result = await client.Connectors.UploadDbtManifestAsync(
            settings.Space, connectorId, file.FullPath,
            new DbtManifestUploadOptions { CreateInspector = () => sent = new CheckingInspector(check) },
            cancellationToken).ConfigureAwait(false);
        clock.Stop();
        progress.Uploaded(result.Job.Id);
        var manifest = sent!.Manifest!;
        if (checkedFirst is null)
        {
            WarnIfNewer(manifest);
        }

        var connector = Wording.Connector(connectorId, connectorName);
        log.Summary(Wording.Uploaded(file.FullPath, manifest, settings.Space, connector, result.Job.Id, clock.Elapsed, result.TransferTime));

        string? status = null;
        if (settings.WaitForSync)
        {
            status = await WaitAsync(client, result.Job, cancellationToken).ConfigureAwait(false);
        }

        // Exactly what the server received: the hash of the sent bytes, and the time the file had before it was read.
        WriteStamp(new UploadStamp(manifest.Fingerprint!, manifest.Bytes, file.LastWriteUtc, settings.ApiUrl.AbsoluteUri, settings.Space,
            settings.ConnectorKey, connectorId, result.Job.Id, DateTimeOffset.UtcNow)
        {
            Facts = new StampedFacts(manifest.SchemaVersion, manifest.DbtVersion, manifest.Nodes),
        });
        return new UploadOutcome(result.Job.Id, status, Wording.UploadedRow(project, file.FullPath, manifest, settings.Space, connector, result.Job.Id, status));
    }

    /// <summary>
    /// Check only (a pull-request build, or QarionCheckOnly): the whole check of the manifest, and, where
    /// a key is at hand, the connector looked up with read-only requests. Nothing is sent.
    /// </summary>
    private async Task<UploadOutcome> CheckOnlyAsync(DbtManifestFile file, string reason, CancellationToken cancellationToken)
    {
        var checkedBefore = CheckStamp.Read(settings.CheckStampFile);
        if (UploadDecision.CheckedAlready(settings, checkedBefore, new ManifestState(file.Length, file.LastWriteUtc)))
        {
            log.Summary(Wording.UnchangedSinceChecked(file.FullPath, checkedBefore!, settings));
            return new UploadOutcome(null, null, Wording.UnchangedCheckRow(project, file.FullPath, checkedBefore!, settings));
        }

        var manifest = await DbtManifestCheck.CheckFileAsync(file.FullPath, cancellationToken: cancellationToken).ConfigureAwait(false);
        WarnIfNewer(manifest);
        if (settings.CheckOnlyCause == CheckOnlyCause.NotCI)
        {
            new CheckStamp(file.Length, file.LastWriteUtc, manifest.SchemaVersion, manifest.DbtVersion, manifest.Nodes).TryWrite(settings.CheckStampFile);
        }

        string connector;
        if (settings.ApiKey is null || settings.CheckOnlyCause == CheckOnlyCause.NotCI)
        {
            connector = Wording.ConnectorNotLookedUp(settings);
        }
        else
        {
            using var client = CreateClient();
            var (id, name) = await ConnectorResolver.ResolveAsync(client, settings, cancellationToken).ConfigureAwait(false);
            connector = Wording.ConnectorLookedUp(id, name);
        }

        log.Summary(Wording.CheckedOnly(file.FullPath, manifest, settings.Space, connector, settings));
        return new UploadOutcome(null, null, Wording.CheckedRow(project, file.FullPath, manifest, settings.Space, connector, reason));
    }

    private QarionClient CreateClient()
    {
        var key = ClientKey.Require(settings.ApiKey, settings);

        var options = new QarionClientOptions
        {
            ApiKey = key,
            BaseUrl = settings.ApiUrl,
            RequestTimeout = settings.RequestTimeout,
            MaxRetries = settings.MaxRetries,
            TotalTimeout = settings.CallDeadline,
            // The projects of one build (and of other builds on this machine) share the key's budget.
            SharedRateLimitDirectory = Path.Combine(Path.GetTempPath(), "qarion-build"),
            UserAgent = "Qarion.Build/" + typeof(ManifestUploader).Assembly.GetName().Version?.ToString(3),
            OnPacing = pacing => log.Detail(Wording.Pacing(pacing)),
            OnRetry = retry => log.Detail(Wording.Retrying(retry)),
        };
        ConfigureClient?.Invoke(options);
        return new QarionClient(options);
    }

    /// <summary>A stamp that cannot be written costs the next build an upload; it never undoes this one.</summary>
    private void WriteStamp(UploadStamp stamp)
    {
        if (settings.StampFile is not { } path)
        {
            return;
        }

        try
        {
            stamp.Write(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.Warning(Codes.StampNotWritten, Wording.StampNotWritten(path, ex.Message), path);
        }
    }

    private async Task<string> WaitAsync(QarionClient client, SyncJob job, CancellationToken cancellationToken)
    {
        var wait = new SyncWaitOptions
        {
            Timeout = settings.SyncTimeout,
            PollInterval = settings.SyncPollInterval,
            ProgressInterval = SyncProgressInterval,
        };
        var done = await SyncWait.WaitAsync(client, settings, job, wait, log.Detail, afterUpload: true, cancellationToken).ConfigureAwait(false);
        log.Summary(Wording.SyncDone(done));
        return done.Status ?? "";
    }

    private void WarnIfNewer(DbtManifestInfo manifest)
    {
        if (manifest.IsNewerThanKnown)
        {
            log.Warning(Codes.NewerSchema, Wording.NewerSchema(settings.ManifestPath, manifest), settings.ManifestPath);
        }
    }

    private UploadOutcome Skip(DbtManifestFile file, UploadDecision decision)
    {
        var stamp = decision.Stamp!;
        if (decision.StampRefreshed)
        {
            WriteStamp(stamp);
        }

        log.Summary(Wording.Skipped(file.FullPath, stamp));
        return new UploadOutcome(stamp.SyncJobId, null, Wording.SkippedRow(project, file.FullPath, file.Length, settings, stamp));
    }
}
