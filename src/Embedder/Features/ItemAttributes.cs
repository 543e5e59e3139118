namespace StreamRec.Embedder.Features;

/// <summary>What the encoder knows about an item: its id and the optional attributes events carry.</summary>
public sealed record ItemAttributes(
    string ItemId,
    string? Title = null,
    IReadOnlyList<string>? Categories = null,
    IReadOnlyList<string>? Tags = null);
