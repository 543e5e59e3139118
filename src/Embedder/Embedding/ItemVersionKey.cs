namespace StreamRec.Embedder.Embedding;

/// <summary>
/// An item under one encoder model version: the key of the embedding cache and of the set of items
/// already written to Redis. Vectors of different model versions are never mixed up.
/// </summary>
public readonly record struct ItemVersionKey(string ItemId, string ModelVersion);
