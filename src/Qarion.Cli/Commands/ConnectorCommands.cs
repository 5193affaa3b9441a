using System.CommandLine;
using System.Text.Json.Nodes;
using Qarion.Cli.Output;
using Qarion.Client;
using Qarion.Workflow;

namespace Qarion.Cli.Commands;

/// <summary>qarion connectors list | get | create | update | delete: the Connectors resource, as the SDK has it.</summary>
internal static class ConnectorCommands
{
    private static readonly Option<string?> Name = new("--name") { Description = "The connector's name in the space.", HelpName = "name" };
    private static readonly Option<string?> Type = new("--type") { Description = "The connector type: dbt_manifest for manifest uploads (`qarion connector-types` lists them).", HelpName = "type" };
    private static readonly Option<string?> Config = new("--config") { Description = "The connector's config: a JSON object, or @file.json to read it from a file.", HelpName = "json|@file" };
    private static readonly Option<string?> SourceSystem = new("--source-system-id") { Description = "The id of the source system the connector belongs to.", HelpName = "uuid" };
    private static readonly Option<bool?> Active = new("--active") { Description = "Turn the connector on (true) or off (false).", HelpName = "true|false" };
    private static readonly Option<string[]> Fields = new("--field")
    {
        Description = "An extra field, as name=value (the value as JSON when it is JSON, else text). Repeat it for more.",
        HelpName = "name=value",
        AllowMultipleArgumentsPerToken = false,
    };

    public static IEnumerable<Command> All(CliApp app)
    {
        var list = new Command("list", "List the space's connectors.");
        list.SetAction(app.Action(async (run, ct) =>
        {
            var settings = run.Read();
            using var client = run.Client(settings);
            // Read as the server sends it; a table needs every row for its widths.
            var connectors = new List<Connector>();
            await foreach (var connector in client.Connectors.EnumerateAsync(settings.Space, ct).ConfigureAwait(false))
            {
                connectors.Add(connector);
            }

            if (run.Terminal.Json)
            {
                run.Terminal.Document(new JsonObject { ["connectors"] = new JsonArray(connectors.Select(Shapes.Node).ToArray()) });
            }
            else if (connectors.Count == 0)
            {
                run.Terminal.Line($"No connectors in space '{settings.Space}' yet. Create one with `qarion connectors create --name <name> --type dbt_manifest`.");
            }
            else
            {
                Lines(run, Shapes.ConnectorTable(connectors));
            }
        }));

        var get = new Command("get", "Show one connector.") { CommonOptions.Connector };
        get.SetAction(app.Action(async (run, ct) =>
        {
            var settings = run.Read(connector: true);
            using var client = run.Client(settings);
            var (id, _) = await run.ConnectorAsync(client, settings, ct).ConfigureAwait(false);
            Show(run, await client.Connectors.GetAsync(settings.Space, id, ct).ConfigureAwait(false));
        }));

        var create = new Command("create", "Create a connector in the space.") { Name, Type, Config, SourceSystem, Fields };
        create.SetAction(app.Action(async (run, ct) =>
        {
            var settings = run.Read();
            var name = Required(run, Name, "--name", "the new connector's name");
            var type = Required(run, Type, "--type", "its type, e.g. dbt_manifest");
            var body = new ConnectorCreate(name, type)
            {
                Config = FieldValues.Object("--config", run.Value(Config)),
                SourceSystemId = Invocation.Blank(run.Value(SourceSystem)),
                ExtraFields = FieldValues.Fields(run.Value(Fields)).ToDictionary(f => f.Key, f => (object?)f.Value, StringComparer.Ordinal),
            };
            using var client = run.Client(settings);
            Show(run, await client.Connectors.CreateAsync(settings.Space, body, ct).ConfigureAwait(false));
        }));

        var update = new Command("update", "Change some of a connector's fields; the others stay as they are.") { CommonOptions.Connector, Name, Type, Config, SourceSystem, Active, Fields };
        update.SetAction(app.Action(async (run, ct) =>
        {
            var settings = run.Read(connector: true);
            var extra = FieldValues.Fields(run.Value(Fields));
            var fields = new ConnectorUpdate
            {
                Name = Invocation.Blank(run.Value(Name)),
                ConnectorType = Invocation.Blank(run.Value(Type)),
                Config = FieldValues.Object("--config", run.Value(Config)),
                SourceSystemId = Invocation.Blank(run.Value(SourceSystem)),
                IsActive = run.Value(Active),
                ExtensionData = extra.Count > 0 ? extra : null,
            };
            if (fields is { Name: null, ConnectorType: null, Config: null, SourceSystemId: null, IsActive: null, ExtensionData: null })
            {
                throw UploadFailure.Config(Codes.BadOptionValue, "Nothing to change: give at least one of --name, --type, --config, --source-system-id, --active or --field.");
            }

            using var client = run.Client(settings);
            var (id, _) = await run.ConnectorAsync(client, settings, ct).ConfigureAwait(false);
            Show(run, await client.Connectors.UpdateAsync(settings.Space, id, fields, ct).ConfigureAwait(false));
        }));

        var delete = new Command("delete", "Delete a connector.") { CommonOptions.Connector };
        delete.SetAction(app.Action(async (run, ct) =>
        {
            var settings = run.Read(connector: true);
            using var client = run.Client(settings);
            var (id, name) = await run.ConnectorAsync(client, settings, ct).ConfigureAwait(false);
            await client.Connectors.DeleteAsync(settings.Space, id, ct).ConfigureAwait(false);
            if (run.Terminal.Json)
            {
                run.Terminal.Document(new JsonObject { ["deleted"] = new JsonObject { ["space"] = settings.Space, ["id"] = id } });
            }
            else
            {
                run.Terminal.Line($"Deleted connector {CallLines.Connector(id, name)} from space '{settings.Space}'.");
            }
        }));

        return [list, get, create, update, delete];
    }

    /// <summary>One connector: a document with --output json, else its fields a line each.</summary>
    private static void Show(Invocation run, Connector connector)
    {
        if (run.Terminal.Json)
        {
            run.Terminal.Document(new JsonObject { ["connector"] = Shapes.Node(connector) });
        }
        else
        {
            Lines(run, Shapes.ConnectorDetails(connector));
        }
    }

    internal static void Lines(Invocation run, IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            run.Terminal.Line(line);
        }
    }

    private static string Required(Invocation run, Option<string?> option, string flag, string what) =>
        Invocation.Blank(run.Value(option)) ?? throw UploadFailure.Config(Codes.BadOptionValue, $"{flag} is missing: give {what}.");
}
