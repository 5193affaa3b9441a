using Qarion.LocalServer.State;

namespace Qarion.LocalServer.Endpoints;

/// <summary>Moves a job through queued → running → succeeded/failed in the background, as Qarion does.</summary>
internal static class SyncRunner
{
    public static void Start(CatalogState state, ServerSyncJob job)
    {
        var half = state.Options.SyncDuration / 2;
        _ = Task.Run(async () =>
        {
            await Task.Delay(half);
            state.Advance(job, "running");
            await Task.Delay(half);
            state.Advance(job, job.Failure is null ? "succeeded" : "failed");
        });
    }
}
