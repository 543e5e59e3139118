namespace StreamRec.Contracts;

/// <summary>
/// What changed, for a person: the categories whose affinity rose and fell most between the old interest
/// (the long-horizon vector before the mutation) and the new one, and example items closer to each.
/// </summary>
public sealed record MutationExplanation
{
    /// <summary>One line, e.g. "more Horror, Thriller; less Comedy, Romance".</summary>
    public required string Summary { get; init; }

    /// <summary>Categories whose affinity rose most, largest rise first.</summary>
    public required IReadOnlyList<CategoryShift> Gained { get; init; }

    /// <summary>Categories whose affinity fell most, largest fall first.</summary>
    public required IReadOnlyList<CategoryShift> Lost { get; init; }

    /// <summary>Items that match the old interest better than the new one, best first.</summary>
    public required IReadOnlyList<ExampleItem> ExamplesBefore { get; init; }

    /// <summary>Items that match the new interest better than the old one, best first.</summary>
    public required IReadOnlyList<ExampleItem> ExamplesAfter { get; init; }
}
