using System.Diagnostics;
using System.Globalization;
using StreamRec.Benchmarks.Harness;
using StreamRec.Datasets;
using StreamRec.Embedder;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Features;
using StreamRec.Training;

namespace StreamRec.Benchmarks.Embedding;

/// <summary>
/// The Embedder against its raw limit, in the same run and on the same model:
/// <list type="number">
/// <item>rows/s of <see cref="EmbeddingService.Embed"/> with the cache off (feature hashing, buffer
/// handling, the ORT run, copies) versus rows/s of <see cref="EncoderSession.RunInto"/> alone on ids and
/// masks hashed beforehand from the same items, per batch size (the service's MaxBatchSize is the
/// largest batch, so each batch is one run in both), and the feature hashing alone, the part of the
/// embedder's time that raw ORT does not pay;</item>
/// <item>the cache hit rate when the MovieLens ratings are embedded in time order, in micro-batches,
/// per cache capacity (the default first), next to the best any cache could do (every distinct item
/// misses once).</item>
/// </list>
/// Both run on the execution provider given by <c>--provider</c>; <c>cuda</c> never falls back to the
/// CPU, so a machine where CUDA cannot be used fails the run with the reason instead of printing CPU
/// numbers under a CUDA heading (scripts/gpu-check.sh relies on this).
/// Items are MovieLens movies: title "Title (Year)", categories = genres. The model is the default
/// encoder's size (V=65536, E=64, D=64, 16 features) with seeded random weights: throughput does not
/// depend on the weights.
/// </summary>
internal sealed class EmbedderBenchmark : IBenchmark
{
    public string Name => "embed";

    public string Summary => "embedder rows/s vs raw ONNX Runtime rows/s, and the cache hit rate on the MovieLens replay";

    public IReadOnlyList<string> Options =>
    [
        "--batches 32,256,1024       batch sizes for the throughput table",
        "--repetitions N             timed repetitions per measurement (default 7)",
        "--threads N                 ONNX Runtime intra-op threads (default 1)",
        "--provider cpu|cuda         execution provider (default cpu); cuda fails rather than fall back",
        "--capacities 50000,5000,500 cache capacities for the replay table (default first)",
        "--replay-batch N            micro-batch size of the replay (default 512, the stage's default)",
        "--model PATH                a trained encoder (streamrec train-encoder) instead of random weights",
    ];

    public int Run(BenchmarkArguments arguments, TextWriter output)
    {
        var batches = arguments.GetInts("batches", [32, 256, 1024]);
        var repetitions = arguments.GetInt("repetitions", 7);
        var threads = arguments.GetInt("threads", 1);
        var provider = arguments.GetString("provider") ?? OnnxExecutionProviders.Cpu;
        var capacities = arguments.GetInts("capacities", [new EmbedderOptions().CacheCapacity, 5_000, 500]);
        var replayBatch = arguments.GetInt("replay-batch", new EmbedderOptions().MicroBatchSize);
        var givenModel = arguments.GetString("model");
        arguments.ThrowIfUnused();
        if (batches.Any(b => b < 1) || replayBatch < 1 || capacities.Any(c => c < 0))
        {
            throw new UsageException("Batch sizes must be >= 1 and capacities >= 0.");
        }

        if (provider is not (OnnxExecutionProviders.Cpu or OnnxExecutionProviders.Cuda))
        {
            throw new UsageException($"--provider must be '{OnnxExecutionProviders.Cpu}' or '{OnnxExecutionProviders.Cuda}', not '{provider}'.");
        }

        Console.Error.WriteLine("embed: loading MovieLens");
        var dataset = MovieLensDataset.LoadDefault();
        var items = dataset.Movies.Select(ToItem).ToArray();

        var hashing = new ItemFeatureHashingOptions();
        var modelPath = givenModel ?? Path.Combine(Path.GetTempPath(), $"streamrec-bench-encoder-{Guid.NewGuid():N}.onnx");
        try
        {
            if (givenModel is null)
            {
                Console.Error.WriteLine("embed: writing a random encoder of the default size");
                EncoderModel.Write(
                    EncoderModelParameters.CreateRandom(hashing.VocabularySize, 64, 64, seed: 1, "bench-random", hashing.ToMetadata()), modelPath);
            }
            else
            {
                // A trained model brings its own hashing; the raw ORT inputs must use the same ids.
                using var probe = EncoderSession.Open(modelPath);
                hashing = ItemFeatureHashingOptions.FromMetadata(probe.CustomMetadata
                    .Where(p => p.Key.StartsWith(EncoderModelMetadata.HashingPrefix, StringComparison.Ordinal))
                    .ToDictionary(p => p.Key[EncoderModelMetadata.HashingPrefix.Length..], p => p.Value));
            }

            var options = new EmbedderOptions
            {
                ModelPath = modelPath, IntraOpThreads = threads, ExecutionProvider = provider, AllowCpuFallback = false,
                CacheCapacity = 0, MaxBatchSize = batches.Max(),
            };

            using (var service = EmbeddingService.Load(options))
            using (var session = EncoderSession.Open(modelPath, options.ToSessionOptions()))
            {
                output.WriteLine($"# ONNX Runtime {EncoderSession.RuntimeVersion}, {service.ExecutionProvider}, intra-op threads {threads}, " +
                    $"{Environment.ProcessorCount} cores, .NET {Environment.Version}");
                output.WriteLine($"# encoder V={hashing.VocabularySize} D={service.Dimension} seq={hashing.MaxFeatures} ({(givenModel is null ? "random weights, E=64" : $"model {givenModel}, version {service.ModelVersion}")}), " +
                    $"{items.Length} MovieLens movies as items; median of {repetitions} repetitions (~0.5 s each) after 1 s warm-up");
                output.WriteLine();
                output.WriteLine("| batch | embedder rows/s (cache off) | raw ORT rows/s | embedder / raw | embedder us/batch | raw us/batch | of which hashing us/batch |");
                output.WriteLine("|------:|----------------------------:|---------------:|---------------:|------------------:|-------------:|--------------------------:|");
                foreach (var batch in batches)
                {
                    var (embedder, raw, hashingOnly) = MeasureThroughput(service, session, items, hashing, batch, repetitions);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {batch,5} | {embedder.Median,27:N0} | {raw.Median,14:N0} | {embedder.Median / raw.Median,14:P0} | {embedder.MedianMicrosecondsPerOperation,17:N1} | {raw.MedianMicrosecondsPerOperation,12:N1} | {hashingOnly.MedianMicrosecondsPerOperation,25:N1} |"));
                }
            }

            output.WriteLine();
            var itemsById = items.ToDictionary(item => item.ItemId, StringComparer.Ordinal);
            var replay = dataset.Ratings.OrderBy(r => r.Timestamp).ThenBy(r => r.UserId).ThenBy(r => r.MovieId)
                .Select(r => itemsById[r.MovieId.ToString(CultureInfo.InvariantCulture)]).ToArray();
            var distinct = replay.Select(item => item.ItemId).Distinct(StringComparer.Ordinal).Count();
            output.WriteLine($"# MovieLens replay: {replay.Length:N0} ratings in time order, {distinct:N0} distinct movies, micro-batches of {replayBatch}; " +
                $"best possible hit rate (each distinct item misses once) {1.0 - ((double)distinct / replay.Length):P1}");
            output.WriteLine();
            output.WriteLine("| cache capacity | hit rate | encoder rows | encoder runs | replay rows/s (one pass) |");
            output.WriteLine("|---------------:|---------:|-------------:|-------------:|-------------------------:|");
            foreach (var capacity in capacities)
            {
                Console.Error.WriteLine($"embed: replay with cache capacity {capacity}");
                using var service = EmbeddingService.Load(new EmbedderOptions
                {
                    ModelPath = modelPath, IntraOpThreads = threads, ExecutionProvider = provider, AllowCpuFallback = false, CacheCapacity = capacity,
                });
                var (hits, encoded, runs, seconds) = Replay(service, replay, replayBatch);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {capacity,14:N0} | {(double)hits / replay.Length,8:P1} | {encoded,12:N0} | {runs,12:N0} | {replay.Length / seconds,24:N0} |"));
            }
        }
        finally
        {
            if (givenModel is null)
            {
                File.Delete(modelPath);
            }
        }

        return 0;
    }

    private static (ThroughputResult Embedder, ThroughputResult Raw, ThroughputResult Hashing) MeasureThroughput(
        EmbeddingService service, EncoderSession session, ItemAttributes[] items, ItemFeatureHashingOptions hashing, int batch, int repetitions)
    {
        // Consecutive runs of movies (wrapping around), so every batch holds distinct items and the
        // embedder has no duplicates to skip: both sides encode exactly `batch` rows per run.
        const int BatchCount = 16;
        var itemBatches = Enumerable.Range(0, BatchCount)
            .Select(k => Enumerable.Range(0, batch).Select(j => items[((k * batch) + j) % items.Length]).ToArray())
            .ToArray();
        var seq = hashing.MaxFeatures;
        var hasher = new ItemFeatureHasher(hashing);
        var scratchIds = new long[batch * seq];
        var scratchMask = new float[batch * seq];
        var inputs = itemBatches.Select(itemBatch =>
        {
            var ids = new long[batch * seq];
            var mask = new float[batch * seq];
            for (var r = 0; r < batch; r++)
            {
                hasher.Write(itemBatch[r], ids.AsSpan(r * seq, seq), mask.AsSpan(r * seq, seq));
            }

            return (Ids: ids, Mask: mask);
        }).ToArray();
        var destination = new float[batch * service.Dimension];

        Console.Error.WriteLine($"embed: batch {batch}: embedder");
        var next = 0;
        var embedder = Throughput.Measure(
            () => service.Embed(itemBatches[next++ % BatchCount], destination),
            itemsPerOperation: batch, repetitions, warmup: TimeSpan.FromSeconds(1), repetitionTarget: TimeSpan.FromSeconds(0.5));

        Console.Error.WriteLine($"embed: batch {batch}: raw ONNX Runtime");
        next = 0;
        var raw = Throughput.Measure(
            () =>
            {
                var (ids, mask) = inputs[next++ % BatchCount];
                session.RunInto(ids, mask, batch, seq, destination);
            },
            itemsPerOperation: batch, repetitions, warmup: TimeSpan.FromSeconds(1), repetitionTarget: TimeSpan.FromSeconds(0.5));

        // The part of the embedder's time spent turning attributes into ids (ItemFeatureHasher), for reading the ratio.
        Console.Error.WriteLine($"embed: batch {batch}: feature hashing alone");
        next = 0;
        var hashingOnly = Throughput.Measure(
            () =>
            {
                var itemBatch = itemBatches[next++ % BatchCount];
                for (var r = 0; r < batch; r++)
                {
                    hasher.Write(itemBatch[r], scratchIds.AsSpan(r * seq, seq), scratchMask.AsSpan(r * seq, seq));
                }
            },
            itemsPerOperation: batch, repetitions, warmup: TimeSpan.FromSeconds(1), repetitionTarget: TimeSpan.FromSeconds(0.5));
        return (embedder, raw, hashingOnly);
    }

    private static (long Hits, long Encoded, long Runs, double Seconds) Replay(EmbeddingService service, ItemAttributes[] replay, int batch)
    {
        var destination = new float[batch * service.Dimension];
        long hits = 0, encoded = 0, runs = 0;
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < replay.Length; start += batch)
        {
            var statistics = service.Embed(new ArraySegment<ItemAttributes>(replay, start, Math.Min(batch, replay.Length - start)), destination);
            hits += statistics.CacheHits;
            encoded += statistics.EncodedRows;
            runs += statistics.Runs;
        }

        return (hits, encoded, runs, clock.Elapsed.TotalSeconds);
    }

    /// <summary>A movie as the replay's events describe it (src/Replay/MovieLensEvents.cs).</summary>
    private static ItemAttributes ToItem(Movie movie) => new(
        movie.Id.ToString(CultureInfo.InvariantCulture),
        movie.DisplayTitle,
        movie.Genres.Length == 0 ? null : movie.Genres);
}
