namespace Qarion.Dbt.Manifests;

/// <summary>One node's result in a dbt run, with where the node is defined.</summary>
/// <param name="UniqueId">The node's <c>unique_id</c>, e.g. <c>model.jaffle_shop.orders</c>.</param>
/// <param name="Status">What became of it.</param>
/// <param name="RawStatus">The status as dbt wrote it.</param>
/// <param name="Message">dbt's message for it, if any (for an error, the database's or the compiler's words).</param>
/// <param name="Failures">For a test, how many rows it found.</param>
/// <param name="ExecutionSeconds">How long it took.</param>
/// <param name="Node">The node as the manifest of the same run describes it; null when the manifest does not have it.</param>
public sealed record DbtRunResult(
    string UniqueId, DbtResultStatus Status, string RawStatus, string? Message, long? Failures, double ExecutionSeconds, DbtNode? Node)
{
    /// <summary>The node's name (from the manifest), else the last part of its unique id that is a name.</summary>
    public string Name => Node?.Name ?? NameFromId(UniqueId);

    private static string NameFromId(string uniqueId)
    {
        // model.package.name, test.package.name.hash: the third part.
        var parts = uniqueId.Split('.');
        return parts.Length >= 3 ? parts[2] : uniqueId;
    }
}
