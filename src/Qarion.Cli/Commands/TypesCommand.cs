using System.CommandLine;
using System.Text.Json.Nodes;
using Qarion.Cli.Output;

namespace Qarion.Cli.Commands;

/// <summary>qarion connector-types: the types a connector can have (an open set: the server's list is the truth).</summary>
internal static class TypesCommand
{
    public static Command Create(CliApp app)
    {
        var types = new Command("connector-types", "List the connector types Qarion offers (dbt_manifest is the one for manifest uploads).");
        types.SetAction(app.Action(async (run, ct) =>
        {
            var settings = run.Read(space: false);
            using var client = run.Client(settings);
            var list = await client.Connectors.ListTypesAsync(ct).ConfigureAwait(false);
            if (run.Terminal.Json)
            {
                run.Terminal.Document(new JsonObject { ["connector_types"] = new JsonArray(list.Select(Shapes.Node).ToArray()) });
            }
            else
            {
                Commands.ConnectorCommands.Lines(run, Shapes.TypeTable(list));
            }
        }));
        return types;
    }
}
