using Qarion.Build.Diagnostics;
using Qarion.Client;

namespace Qarion.Build.Upload;

/// <summary>Turns QarionConnectorName into exactly one connector id, or a coded error that lists what exists.</summary>
internal static class ConnectorResolver
{
    public static async Task<(string Id, string Name)> ResolveAsync(QarionClient client, UploadSettings settings, CancellationToken cancellationToken)
    {
        if (settings.ConnectorId is { } id)
        {
            return (id, id);
        }

        var name = settings.ConnectorName!;
        var connectors = await client.Connectors.ListAsync(settings.Space, cancellationToken).ConfigureAwait(false);
        var matches = connectors.Where(c => string.Equals(c.Name, name, StringComparison.Ordinal)).ToList();
        if (matches.Count == 0)
        {
            // Names differing only in case are a likely typo, not a second connector.
            matches = connectors.Where(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
        }

        if (matches.Count == 1)
        {
            return (matches[0].Id, matches[0].Name);
        }

        if (matches.Count == 0)
        {
            var names = connectors.Count == 0
                ? "The space has no connectors yet: create a dbt_manifest connector in Qarion first."
                : "Connectors in the space: " + string.Join(", ", connectors.Select(c => $"'{c.Name}' ({c.ConnectorType})")) + ".";
            throw UploadFailure.Service(Codes.ConnectorNameUnknown,
                $"No connector named '{name}' in space '{settings.Space}'. {names} Fix QarionConnectorName, or set QarionConnectorId.");
        }

        throw UploadFailure.Service(Codes.ConnectorNameAmbiguous,
            $"{matches.Count} connectors are named '{name}' in space '{settings.Space}': " +
            string.Join(", ", matches.Select(c => $"{c.Id} ({c.ConnectorType})")) +
            ". Set QarionConnectorId to the one to upload to, or rename the others in Qarion.");
    }
}
