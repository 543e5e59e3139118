using System.Diagnostics.Metrics;
using StreamRec.Messaging;

namespace StreamRec.Embedder.Embedding;

/// <summary>The Embedder's instruments on the host's meter (Prometheus names, DESIGN.md "Metrics").</summary>
public sealed class EmbedderMetrics
{
    public EmbedderMetrics(StreamRecMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var meter = metrics.Meter;
        BatchSize = meter.CreateHistogram(
            "streamrec_embed_batch_size",
            unit: null,
            description: "Rows per ONNX Runtime run of the item encoder (cache misses of a micro-batch, deduplicated, chunked).",
            tags: null,
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096] });
        Seconds = meter.CreateHistogram(
            "streamrec_embed_seconds",
            unit: "s",
            description: "Duration of one ONNX Runtime run of the item encoder.",
            tags: null,
            advice: new InstrumentAdvice<double>
            {
                HistogramBucketBoundaries = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
            });
        CacheHits = meter.CreateCounter<long>(
            "streamrec_embed_cache_hits_total", description: "Items whose embedding came from the item-embedding cache.");
        CacheMisses = meter.CreateCounter<long>(
            "streamrec_embed_cache_misses_total", description: "Items not found in the item-embedding cache (including with the cache disabled).");
        ItemsWritten = meter.CreateCounter<long>(
            "streamrec_embed_items_written_total", description: "Public catalog items (from the catalog topic) the Embedder embedded and wrote to Redis: the candidates and the vocabulary of explanations.");
    }

    /// <summary>Rows per encoder run: the size ONNX Runtime actually sees, after the cache and deduplication.</summary>
    public Histogram<int> BatchSize { get; }

    /// <summary>Wall time of one encoder run (ONNX Runtime only: hashing and copies are not in it).</summary>
    public Histogram<double> Seconds { get; }

    public Counter<long> CacheHits { get; }

    public Counter<long> CacheMisses { get; }

    public Counter<long> ItemsWritten { get; }
}
