using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Features;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.IntegrationTests.Onnx;
using StreamRec.TestSupport;

namespace StreamRec.IntegrationTests.Embedding;

/// <summary><see cref="EmbeddingService"/> on the real ONNX Runtime, against the plain C# encoder.</summary>
public sealed class EmbeddingServiceTests
{
    [Fact]
    public void Embeddings_equal_the_plain_csharp_encoder_within_1e_5()
    {
        using var encoder = new TestEncoder("svc-ref");
        using var service = EmbeddingService.Load(encoder.Options(o => o.MaxBatchSize = 16));
        var items = MovieItems.Create(UniqueNames.Next("ref"), 40);
        List<ItemAttributes> batch = [.. items, items[3], items[3], items[39]]; // three runs (16, 16, 8) plus repeats
        var output = new float[batch.Count * encoder.Dimension];

        var statistics = service.Embed(batch, output);

        Assert.Equal(new EmbedStatistics(batch.Count, 0, 40, 3), statistics);
        for (var i = 0; i < batch.Count; i++)
        {
            TestEncoder.AssertClose(encoder.Reference(batch[i]), output.AsSpan(i * encoder.Dimension, encoder.Dimension), $"row {i}");
        }
    }

    [Fact]
    public void Output_with_and_without_the_cache_is_bit_identical()
    {
        using var encoder = new TestEncoder("svc-cache");
        using var cached = EmbeddingService.Load(encoder.Options(o => (o.CacheCapacity, o.MaxBatchSize) = (10, 8)));
        using var uncached = EmbeddingService.Load(encoder.Options(o => (o.CacheCapacity, o.MaxBatchSize) = (0, 8)));
        var items = MovieItems.Create(UniqueNames.Next("bits"), 30);
        var random = new Random(17);
        var served = 0;

        // Batches of 1 to 20 items drawn with repeats from 30: items come from the cache, from runs of
        // one row, from runs of many rows, and are evicted and encoded again.
        for (var round = 0; round < 200; round++)
        {
            var batch = Enumerable.Range(0, random.Next(1, 21)).Select(_ => items[random.Next(items.Count)]).ToList();
            var withCache = new float[batch.Count * encoder.Dimension];
            var withoutCache = new float[batch.Count * encoder.Dimension];

            served += cached.Embed(batch, withCache).CacheHits;
            uncached.Embed(batch, withoutCache);

            Assert.True(
                withCache.AsSpan().SequenceEqual(withoutCache),
                $"round {round}: the cached service gave different bits for a batch of {batch.Count}");
        }

        Assert.InRange(served, 100, int.MaxValue);
    }

    [Fact]
    public void Cuda_requested_falls_back_to_the_cpu_with_a_warning_and_still_embeds()
    {
        using var encoder = new TestEncoder("svc-cuda");
        var logger = new CapturingLogger();

        using var service = EmbeddingService.Load(encoder.Options(o => o.ExecutionProvider = OnnxExecutionProviders.Cuda), logger);
        var item = MovieItems.Create(UniqueNames.Next("cuda"), 1)[0];
        var output = new float[encoder.Dimension];
        service.Embed([item], output);

        Assert.Equal(OnnxExecutionProviders.Cpu, service.ExecutionProvider);
        Assert.Contains(logger.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("CUDA execution provider unavailable", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, entry => entry.EventId.Id == 300 && entry.Message.Contains("provider cpu (configured cuda)", StringComparison.Ordinal));
        TestEncoder.AssertClose(encoder.Reference(item), output, "the CPU fallback's embedding");
    }

    [Fact]
    public void Cuda_requested_without_fallback_refuses_to_load_rather_than_run_on_the_cpu()
    {
        using var encoder = new TestEncoder("svc-cuda-strict");

        var error = Assert.Throws<ExecutionProviderUnavailableException>(() => EmbeddingService.Load(encoder.Options(o =>
        {
            o.ExecutionProvider = OnnxExecutionProviders.Cuda;
            o.AllowCpuFallback = false;
        })));

        Assert.Contains("Embedder:AllowCpuFallback", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_model_file_names_the_path_and_the_command_that_creates_one()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-encoder-{Guid.NewGuid():N}.onnx");

        var error = Assert.Throws<FileNotFoundException>(() => EmbeddingService.Load(new EmbedderOptions { ModelPath = path }));

        Assert.Equal(path, error.FileName);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("streamrec train-encoder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_without_hashing_metadata_embeds_with_the_configured_hashing()
    {
        using var encoder = new TestEncoder("svc-foreign", hashingInMetadata: false);
        Assert.Contains("Embedder:Hashing", Assert.Throws<InvalidOperationException>(() => EmbeddingService.Load(encoder.Options())).Message, StringComparison.Ordinal);

        using var service = EmbeddingService.Load(encoder.Options(o => o.Hashing = encoder.Hashing));
        var items = MovieItems.Create(UniqueNames.Next("foreign"), 5);
        var output = new float[items.Count * encoder.Dimension];
        service.Embed(items, output);

        Assert.False(service.Model.HashingFromModel);
        for (var i = 0; i < items.Count; i++)
        {
            TestEncoder.AssertClose(encoder.Reference(items[i]), output.AsSpan(i * encoder.Dimension, encoder.Dimension), $"row {i}");
        }
    }

    [Fact]
    public void Configured_dimension_that_disagrees_with_the_model_fails_at_load_naming_the_key()
    {
        using var encoder = new TestEncoder("svc-dim");

        var error = Assert.Throws<InvalidOperationException>(() => EmbeddingService.Load(encoder.Options(o => o.Dimension = 64)));

        Assert.Contains("Embedder:Dimension is 64", error.Message, StringComparison.Ordinal);
        Assert.Contains("'streamrec.embedding_dimension' = 12", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Embedding_records_run_size_run_time_and_cache_metrics()
    {
        using var encoder = new TestEncoder("svc-metrics");
        using var telemetry = new TestTelemetry();
        using var service = EmbeddingService.Load(encoder.Options(), metrics: new EmbedderMetrics(telemetry.Metrics));
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == telemetry.Metrics.Meter && instrument.Name.StartsWith("streamrec_embed_", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => seen.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => seen.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => seen.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        listener.Start();
        var items = MovieItems.Create(UniqueNames.Next("metrics"), 3);

        service.Embed([.. items, items[0]], new float[4 * encoder.Dimension]);
        service.Embed(items, new float[3 * encoder.Dimension]);

        // The service's own meter: what other tests embed meanwhile is not counted here, so the counts are exact.
        Assert.Equal(3, seen.GetValueOrDefault("streamrec_embed_batch_size")); // the three distinct misses, in one run
        Assert.True(seen.GetValueOrDefault("streamrec_embed_seconds") > 0, "run time not recorded");
        Assert.Equal(3, seen.GetValueOrDefault("streamrec_embed_cache_hits_total"));
        Assert.Equal(4, seen.GetValueOrDefault("streamrec_embed_cache_misses_total"));
    }
}
