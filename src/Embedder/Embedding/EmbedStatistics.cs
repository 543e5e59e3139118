namespace StreamRec.Embedder.Embedding;

/// <summary>What one <see cref="EmbeddingService.Embed"/> call did.</summary>
/// <param name="Rows">Items requested (rows written).</param>
/// <param name="CacheHits">Rows whose item was in the cache when the call began.</param>
/// <param name="EncodedRows">Distinct items run through the encoder (cache misses without duplicates).</param>
/// <param name="Runs">Encoder runs (the misses in chunks of at most MaxBatchSize).</param>
public readonly record struct EmbedStatistics(int Rows, int CacheHits, int EncodedRows, int Runs)
{
    /// <summary>Rows not found in the cache (hits + misses = rows).</summary>
    public int CacheMisses => Rows - CacheHits;
}
