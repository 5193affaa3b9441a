using System.Text;
using Qarion.Client;

namespace Qarion.Workflow;

/// <summary>Turns a connector name (QarionConnectorName, or a name given to --connector) into exactly one connector id, or a coded error that lists what exists.</summary>
internal static class ConnectorResolver
{
    public static async Task<(string Id, string Name)> ResolveAsync(QarionClient client, IRunContext settings, CancellationToken cancellationToken)
    {
        if (settings.ConnectorId is { } id)
        {
            return (id, id);
        }

        // Compared as Unicode text (NFC), so "café" typed in one normal form finds it stored in the other.
        var name = Normal(settings.ConnectorName!);
        // Read as the list arrives, keeping only what a decision or a message needs: a space of any size fits.
        var exact = new Sample();
        var folded = new Sample();
        var named = new Sample();
        var anyConnector = false;
        await foreach (var connector in client.Connectors.EnumerateAsync(settings.Space, cancellationToken).ConfigureAwait(false))
        {
            anyConnector = true;
            var its = Normal(connector.Name);
            if (string.Equals(its, name, StringComparison.Ordinal))
            {
                exact.Add(connector);
            }
            else if (string.Equals(its, name, StringComparison.OrdinalIgnoreCase))
            {
                folded.Add(connector);
            }

            if (connector.Name.Length > 0)
            {
                named.Add(connector);
            }
        }

        // Names differing only in case are a likely typo, not a second connector.
        var matches = exact.Count > 0 ? exact : folded;

        if (matches.Count == 1)
        {
            var match = matches.First;
            // The one field this lookup needs from the server; everything else about the connector may be odd.
            if (string.IsNullOrWhiteSpace(match.Id))
            {
                throw UploadFailure.Service(Codes.AnswerLacksField,
                    $"The connector named '{match.Name}' in space '{settings.Space}' came without an id in GET /catalog/spaces/{settings.Space}/connectors " +
                    $"(its \"id\" field is {Raw(match, "id")}), so there is nowhere to upload. Set {settings.Names.ConnectorId} to the connector's id as Qarion's UI shows it.");
            }

            if (Qarion.Client.Http.PathSegment.IsDotSegment(match.Id))
            {
                throw UploadFailure.Service(Codes.AnswerLacksField,
                    $"The connector named '{match.Name}' in space '{settings.Space}' came with the id '{match.Id}' in GET /catalog/spaces/{settings.Space}/connectors, " +
                    $"which cannot be put in a request path (it would address another resource), so nothing was sent to it. Set {settings.Names.ConnectorId} to the connector's id as Qarion's UI shows it.");
            }

            return (match.Id, match.Name);
        }

        if (matches.Count == 0)
        {
            var names = !anyConnector
                ? "The space has no connectors yet: create a dbt_manifest connector in Qarion first."
                : "Connectors in the space: " + Listed(named.Kept.Select(c => $"'{c.Name}' ({Type(c)})"), named.Count) + ".";
            throw UploadFailure.Service(Codes.ConnectorNameUnknown,
                $"No connector named '{name}' in space '{settings.Space}'. {names} Fix {settings.Names.ConnectorName}, or set {settings.Names.ConnectorId} to the connector's id.");
        }

        throw UploadFailure.Service(Codes.ConnectorNameAmbiguous,
            $"{matches.Count} connectors are named '{name}' in space '{settings.Space}': " +
            Listed(matches.Kept.Select(c => $"{(c.Id.Length > 0 ? c.Id : "(no id)")} ({Type(c)})"), matches.Count) +
            $". Set {settings.Names.ConnectorId} to the id of the one you mean, or rename the others in Qarion.");
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

    /// <summary>How many connectors were seen of a kind, and the first few of them: all a message lists.</summary>
    private sealed class Sample
    {
        private readonly List<Connector> _kept = [];

        public int Count { get; private set; }

        public IReadOnlyList<Connector> Kept => _kept;

        public Connector First => _kept[0];

        public void Add(Connector connector)
        {
            Count++;
            if (_kept.Count < ListedAtMost)
            {
                _kept.Add(connector);
            }
        }
    }

    private static string Type(Connector connector) => connector.ConnectorType.Length > 0 ? connector.ConnectorType : "type not given";

    private static string Raw(Connector connector, string field) =>
        connector.ExtensionData?.TryGetValue(field, out var raw) == true ? $"{raw.GetRawText()}, not a string" : "missing";
}
