using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Qarion.Cli.Output;
using Qarion.Client;
using Qarion.Dbt.Manifests;
using Qarion.Workflow;

namespace Qarion.Cli.Commands;

/// <summary>
/// qarion connectors upload-dbt-manifest: the task's checked upload. A missing file fails before any
/// request; a file up to <see cref="CheckingInspector.CheckFirstLimit"/> is checked whole first, and every
/// byte sent is checked on its way out, so what was checked is what the server received.
/// </summary>
internal static class UploadCommand
{
    private static readonly Option<string> File = new("--file", "-f")
    {
        Description = "The dbt manifest to upload (of the dbt project in the current folder by default).",
        HelpName = "path",
        DefaultValueFactory = _ => DefaultFile,
    };

    private static readonly Option<bool> CheckOnly = new("--check-only")
    {
        Description = "Check the manifest and look the connector up (with a key), and send nothing.",
    };

    /// <summary>Where dbt writes the manifest, under the project in the current folder (a forward slash works on Windows too).</summary>
    private const string DefaultFile = "target/manifest.json";

    /// <summary>Files smaller than this upload without a progress line: they are done before one would be read.</summary>
    internal const long ProgressFrom = 8L << 20;

    public static Command Create(CliApp app)
    {
        var upload = new Command("upload-dbt-manifest", "Check a dbt manifest.json and upload it to a connector; with --wait, wait for its sync.")
        {
            CommonOptions.Connector, File, CheckOnly, CommonOptions.Wait, CommonOptions.WaitTimeout,
        };
        upload.SetAction(app.Action((run, ct) => RunAsync(run, ct)));
        return upload;
    }

    private static async Task RunAsync(Invocation run, CancellationToken ct)
    {
        var path = run.Value(File) is { Length: > 0 } given ? given : DefaultFile;
        var settings = run.Read(connector: true, manifestPath: path);
        var waitTimeout = run.WaitTimeout();
        // Before any request, as the SDK's upload_dbt_manifest: no file, no call (QRN1001).
        var file = DbtManifestFile.Find(path);
        if (run.Value(CheckOnly))
        {
            await CheckOnlyAsync(run, settings, file, ct).ConfigureAwait(false);
            return;
        }

        DbtManifestInfo? checkedFirst = null;
        if (file.Length <= CheckingInspector.CheckFirstLimit)
        {
            checkedFirst = await DbtManifestCheck.CheckFileAsync(file.FullPath, new DbtManifestCheckOptions { Fingerprint = true }, ct).ConfigureAwait(false);
            WarnIfNewer(run, settings, checkedFirst);
        }

        using var client = run.Client(settings);
        var (id, name) = await run.ConnectorAsync(client, settings, ct).ConfigureAwait(false);
        var check = new DbtManifestCheckOptions { Fingerprint = true, ExpectedFingerprint = checkedFirst?.Fingerprint, ExplainFrom = file.FullPath };
        CheckingInspector? sent = null;
        var progress = new ProgressLine(run.Terminal, path, file.Length, file.Length >= ProgressFrom);
        var result = await client.Connectors.UploadDbtManifestAsync(settings.Space, id, file.FullPath,
            new DbtManifestUploadOptions { CreateInspector = () => progress.Watch(sent = new CheckingInspector(check)) }, ct).ConfigureAwait(false);
        run.Terminal.ClearProgress();
        var manifest = sent!.Manifest!;
        if (checkedFirst is null)
        {
            WarnIfNewer(run, settings, manifest);
        }

        var job = result.Job;
        if (run.Value(CommonOptions.Wait))
        {
            run.Terminal.Note($"Qarion: uploaded {path} to connector {CallLines.Connector(id, name)}: {Shapes.JobLine(job)}.");
            job = await SyncCommands.WaitAsync(run, client, settings, job, waitTimeout, afterUpload: true, ct).ConfigureAwait(false);
        }

        if (run.Terminal.Json)
        {
            run.Terminal.Document(new JsonObject
            {
                ["manifest"] = Facts(path, manifest),
                ["connector"] = new JsonObject { ["id"] = id, ["name"] = name },
                ["uploaded"] = true,
                ["sync_job"] = Shapes.Node(job),
            });
        }
        else
        {
            run.Terminal.Line(string.Create(CultureInfo.InvariantCulture,
                $"Uploaded {path} ({Describe(manifest)}) to space '{settings.Space}', connector {CallLines.Connector(id, name)}: {Shapes.JobLine(job)}."));
        }
    }

    /// <summary>--check-only: the whole check, and the connector looked up when a key is at hand; nothing sent.</summary>
    private static async Task CheckOnlyAsync(Invocation run, CliSettings settings, DbtManifestFile file, CancellationToken ct)
    {
        var manifest = await DbtManifestCheck.CheckFileAsync(file.FullPath, cancellationToken: ct).ConfigureAwait(false);
        WarnIfNewer(run, settings, manifest);
        JsonObject? connector = null;
        string target;
        if (settings.ApiKey is null)
        {
            target = $"connector {settings.ConnectorId ?? $"'{settings.ConnectorName}'"} not looked up (no API key in {settings.ApiKeyEnvironmentVariable}, which is fine for a check)";
        }
        else
        {
            using var client = run.Client(settings);
            var (id, name) = await run.ConnectorAsync(client, settings, ct).ConfigureAwait(false);
            if (settings.ConnectorId is not null)
            {
                // An id is confirmed with a read: a check says whether the upload would find its connector.
                name = (await client.Connectors.GetAsync(settings.Space, id, ct).ConfigureAwait(false)).Name is { Length: > 0 } its ? its : id;
            }

            connector = new JsonObject { ["id"] = id, ["name"] = name };
            target = $"connector {CallLines.Connector(id, name)} found";
        }

        if (run.Terminal.Json)
        {
            run.Terminal.Document(new JsonObject { ["manifest"] = Facts(settings.ManifestPath, manifest), ["connector"] = connector, ["uploaded"] = false, ["sync_job"] = null });
        }
        else
        {
            run.Terminal.Line($"Checked {settings.ManifestPath} ({Describe(manifest)}) for space '{settings.Space}', {target}; not uploaded (--check-only).");
        }
    }

    private static void WarnIfNewer(Invocation run, CliSettings settings, DbtManifestInfo manifest)
    {
        if (manifest.IsNewerThanKnown)
        {
            run.Terminal.Note($"warning {Codes.NewerSchema}: {CallLines.NewerSchema(settings.ManifestPath, manifest, settings.Names)}");
        }
    }

    private static string Describe(DbtManifestInfo m) => string.Create(CultureInfo.InvariantCulture,
        $"{CallLines.Size(m.Bytes)}, manifest schema v{m.SchemaVersion}, dbt {m.DbtVersion ?? "?"}, {m.Nodes} nodes");

    private static JsonObject Facts(string path, DbtManifestInfo m) => new()
    {
        ["path"] = path,
        ["bytes"] = m.Bytes,
        ["schema_version"] = m.SchemaVersion,
        ["dbt_version"] = m.DbtVersion,
        ["nodes"] = m.Nodes,
        ["fingerprint"] = m.Fingerprint,
    };

    /// <summary>The bytes sent so far, as the check sees them leave: a line on a terminal, four times a second at most.</summary>
    private sealed class ProgressLine(Terminal terminal, string path, long total, bool show)
    {
        private readonly Stopwatch _clock = new();
        private long _sent;
        private static readonly TimeSpan Never = TimeSpan.FromSeconds(-1);
        private TimeSpan _shown = Never;

        public IUploadInspector Watch(CheckingInspector inner)
        {
            // A retry is sent, and counted, from its first byte again.
            _sent = 0;
            _shown = Never;
            _clock.Restart();
            return new Counting(inner, this);
        }

        private void Add(int bytes)
        {
            _sent += bytes;
            if (!show || _clock.Elapsed - _shown < TimeSpan.FromMilliseconds(250))
            {
                return;
            }

            _shown = _clock.Elapsed;
            var rate = _sent / Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
            terminal.Progress($"Uploading {path}: {CallLines.Size(_sent)} of {CallLines.Size(total)} ({CallLines.Size((long)rate)}/s)");
        }

        private sealed class Counting(CheckingInspector inner, ProgressLine line) : IUploadInspector
        {
            public void Inspect(ReadOnlySpan<byte> chunk)
            {
                inner.Inspect(chunk);
                line.Add(chunk.Length);
            }

            public void Complete() => inner.Complete();
        }
    }
}
