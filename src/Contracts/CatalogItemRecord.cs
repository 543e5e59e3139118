namespace StreamRec.Contracts;

/// <summary>
/// An item of the catalog as a producer may publish it on the optional catalog topic (JSON, one per
/// record, keyed by item id; contract in docs/events.md), so that items can be recommended before any
/// user has interacted with them. The Embedder embeds it and writes it to the catalog in Redis, as it
/// does for items first seen in events. No user data: nothing here is private.
/// </summary>
public sealed record CatalogItemRecord
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>The format version; absent means <see cref="CurrentSchemaVersion"/> (as for raw events).</summary>
    public int? SchemaVersion { get; init; }

    public required string ItemId { get; init; }

    public string? Title { get; init; }

    public IReadOnlyList<string>? Categories { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }
}
