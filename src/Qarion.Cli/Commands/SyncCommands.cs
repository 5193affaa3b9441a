using System.CommandLine;
using System.Text.Json.Nodes;
using Qarion.Cli.Output;
using Qarion.Client;
using Qarion.Workflow;

namespace Qarion.Cli.Commands;

/// <summary>qarion connectors sync | sync-history: start a connector's metadata sync, and look at the space's sync jobs.</summary>
internal static class SyncCommands
{
    private static readonly Option<int?> Page = new("--page") { Description = "The page of the history, from 1 (newest first). Default: 1.", HelpName = "n" };
    private static readonly Option<int?> Size = new("--size") { Description = "Jobs a page, 1 to 100. Default: 20.", HelpName = "n" };

    public static IEnumerable<Command> All(CliApp app)
    {
        var sync = new Command("sync", "Start a connector's background metadata sync; with --wait, wait for it to finish.")
        {
            CommonOptions.Connector, CommonOptions.Wait, CommonOptions.WaitTimeout,
        };
        sync.SetAction(app.Action(async (run, ct) =>
        {
            var settings = run.Read(connector: true);
            var waitTimeout = run.WaitTimeout();
            using var client = run.Client(settings);
            var (id, name) = await run.ConnectorAsync(client, settings, ct).ConfigureAwait(false);
            var job = await client.Connectors.SyncAsync(settings.Space, id, ct).ConfigureAwait(false);
            if (run.Value(CommonOptions.Wait))
            {
                job = await WaitAsync(run, client, settings, job, waitTimeout, afterUpload: false, ct).ConfigureAwait(false);
            }

            if (run.Terminal.Json)
            {
                run.Terminal.Document(new JsonObject { ["connector"] = new JsonObject { ["id"] = id, ["name"] = name }, ["sync_job"] = Shapes.Node(job) });
            }
            else
            {
                run.Terminal.Line($"Connector {CallLines.Connector(id, name)} in space '{settings.Space}': {Shapes.JobLine(job)}.");
            }
        }));

        var history = new Command("sync-history", "The space's sync jobs, newest first; --connector keeps one connector's.") { CommonOptions.Connector, Page, Size };
        history.SetAction(app.Action(async (run, ct) =>
        {
            var connectorGiven = !string.IsNullOrWhiteSpace(run.Value(CommonOptions.Connector));
            var settings = run.Read(connector: connectorGiven);
            var page = run.Value(Page) ?? 1;
            var size = run.Value(Size) ?? 20;
            if (page < 1 || size is < 1 or > 100)
            {
                throw UploadFailure.Config(Codes.BadNumber, $"--page is {page} and --size {size}: the page counts from 1, and a page holds 1 to 100 jobs.");
            }

            using var client = run.Client(settings);
            string? connectorId = null;
            if (connectorGiven)
            {
                (connectorId, _) = await run.ConnectorAsync(client, settings, ct).ConfigureAwait(false);
            }

            var result = await client.Connectors.GetSyncHistoryAsync(settings.Space, page, size, ct).ConfigureAwait(false);
            // The API's history is the space's; a connector's jobs are those that name it.
            var jobs = result.Items.Where(j => connectorId is null || string.Equals(j.ConnectorId, connectorId, StringComparison.OrdinalIgnoreCase)).ToList();
            if (run.Terminal.Json)
            {
                run.Terminal.Document(new JsonObject
                {
                    ["sync_jobs"] = new JsonArray(jobs.Select(Shapes.Node).ToArray()),
                    ["page"] = result.Page,
                    ["size"] = result.Size ?? size,
                    ["total"] = result.Total,
                });
            }
            else if (jobs.Count == 0)
            {
                run.Terminal.Line(connectorId is null ? $"No sync jobs on page {page} in space '{settings.Space}'." : $"No sync jobs of connector {connectorId} on page {page} in space '{settings.Space}'.");
            }
            else
            {
                ConnectorCommands.Lines(run, Shapes.SyncJobTable(jobs));
            }
        }));

        return [sync, history];
    }

    /// <summary>--wait: the job followed to its end as the task follows it (notes on standard error), exit 7 when it failed.</summary>
    internal static Task<SyncJob> WaitAsync(Invocation run, QarionClient client, CliSettings settings, SyncJob job, TimeSpan timeout, bool afterUpload, CancellationToken ct) =>
        SyncWait.WaitAsync(client, settings, job, new SyncWaitOptions { Timeout = timeout, PollInterval = TimeSpan.FromSeconds(Defaults.SyncPollSeconds) }, run.Terminal.Note, afterUpload, ct);
}
