using System.Text;
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

        // Compared as Unicode text (NFC), so "café" typed in one normal form finds it stored in the other.
        var name = Normal(settings.ConnectorName!);
        var connectors = await client.Connectors.ListAsync(settings.Space, cancellationToken).ConfigureAwait(false);
        var matches = connectors.Where(c => string.Equals(Normal(c.Name), name, StringComparison.Ordinal)).ToList();
        if (matches.Count == 0)
        {
            // Names differing only in case are a likely typo, not a second connector.
            matches = connectors.Where(c => string.Equals(Normal(c.Name), name, StringComparison.OrdinalIgnoreCase)).ToList();
        }

        if (matches.Count == 1)
        {
            // The one field this lookup needs from the server; everything else about the connector may be odd.
            if (string.IsNullOrWhiteSpace(matches[0].Id))
            {
                throw UploadFailure.Service(Codes.AnswerLacksField,
                    $"The connector named '{matches[0].Name}' in space '{settings.Space}' came without an id in GET /catalog/spaces/{settings.Space}/connectors " +
                    $"(its \"id\" field is {Raw(matches[0], "id")}), so there is nowhere to upload. Set QarionConnectorId to the connector's id as Qarion's UI shows it.");
            }

            if (Qarion.Client.Http.PathSegment.IsDotSegment(matches[0].Id))
            {
                throw UploadFailure.Service(Codes.AnswerLacksField,
                    $"The connector named '{matches[0].Name}' in space '{settings.Space}' came with the id '{matches[0].Id}' in GET /catalog/spaces/{settings.Space}/connectors, " +
                    "which cannot be put in a request path (it would address another resource), so nothing was sent to it. Set QarionConnectorId to the connector's id as Qarion's UI shows it.");
            }

            return (matches[0].Id, matches[0].Name);
        }

        if (matches.Count == 0)
        {
            var named = connectors.Where(c => c.Name.Length > 0).ToList();
            var names = connectors.Count == 0
                ? "The space has no connectors yet: create a dbt_manifest connector in Qarion first."
                : "Connectors in the space: " + Listed(named.Select(c => $"'{c.Name}' ({Type(c)})"), named.Count) + ".";
            throw UploadFailure.Service(Codes.ConnectorNameUnknown,
                $"No connector named '{name}' in space '{settings.Space}'. {names} Fix QarionConnectorName, or set QarionConnectorId.");
        }

        throw UploadFailure.Service(Codes.ConnectorNameAmbiguous,
            $"{matches.Count} connectors are named '{name}' in space '{settings.Space}': " +
            Listed(matches.Select(c => $"{(c.Id.Length > 0 ? c.Id : "(no id)")} ({Type(c)})"), matches.Count) +
            ". Set QarionConnectorId to the one to upload to, or rename the others in Qarion.");
    }

    /// <summary>How many entries a message lists; a space of 200,000 connectors still makes one short line.</summary>
    internal const int ListedAtMost = 20;

    private static string Listed(IEnumerable<string> entries, int count) =>
        string.Join(", ", entries.Take(ListedAtMost).Select(Short)) + (count > ListedAtMost ? $" and {count - ListedAtMost:N0} more" : "");

    /// <summary>One entry is a name the server chose: at most 100 characters of it.</summary>
    private static string Short(string entry) => entry.Length > 100 ? entry[..100] + "…" : entry;

    private static string Normal(string text)
    {
        try
        {
            return text.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            // Not valid Unicode (a lone surrogate): compared as it is.
            return text;
        }
    }

    private static string Type(Connector connector) => connector.ConnectorType.Length > 0 ? connector.ConnectorType : "type not given";

    private static string Raw(Connector connector, string field) =>
        connector.ExtensionData?.TryGetValue(field, out var raw) == true ? $"{raw.GetRawText()}, not a string" : "missing";
}
