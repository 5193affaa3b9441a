using Qarion.Client;

namespace Qarion.Workflow;

/// <summary>The wait for a sync job, as the task and the command line do it: the job's id required, notes while it runs, QRN2101 when it failed.</summary>
internal static class SyncWait
{
    public static async Task<SyncJob> WaitAsync(
        QarionClient client, IRunContext settings, SyncJob job, SyncWaitOptions wait, Action<string> note, bool afterUpload, CancellationToken cancellationToken)
    {
        var jobId = FailureMapper.RequireJobId(job, settings, afterUpload);
        note(CallLines.WaitingForSync(jobId, wait.Timeout, settings.Names));
        wait.Progress = p => note(CallLines.StillWaiting(jobId, p));
        var done = await client.Connectors.WaitForSyncAsync(settings.Space, jobId, wait, cancellationToken).ConfigureAwait(false);
        FailureMapper.ThrowIfFailed(done, settings, afterUpload);
        return done;
    }
}
