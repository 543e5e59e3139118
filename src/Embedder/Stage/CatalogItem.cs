namespace StreamRec.Embedder.Stage;

/// <summary>
/// An item's vector (D floats, copied when written) and display attributes, as
/// <see cref="ItemCatalogWriter"/> stores them.
/// </summary>
public sealed record CatalogItem(
    string ItemId,
    string ModelVersion,
    ReadOnlyMemory<float> Embedding,
    string? Title,
    IReadOnlyList<string>? Categories);
