using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using StreamRec.Embedder.Features;

namespace StreamRec.Embedder.Embedding;

/// <summary>
/// Item embeddings for the Embedder: owns the encoder's ONNX Runtime session for the life of the
/// process, hashes item attributes into the model's input (<see cref="ItemFeatureHasher"/>, with the
/// hashing the model declares), and serves repeat items from an <see cref="ItemEmbeddingCache"/>.
/// <see cref="Embed"/> runs the encoder only on the cache misses of a batch, each distinct item once, in
/// runs of at most <see cref="EmbedderOptions.MaxBatchSize"/> rows. The output does not depend on the
/// cache or on how items are batched (see <see cref="OnnxEncoderRunner"/>). Safe for concurrent use.
/// </summary>
public sealed class EmbeddingService : IDisposable
{
    private readonly IEncoderRunner _runner;
    private readonly ItemFeatureHasher _hasher;
    private readonly int _maxBatchSize;
    private readonly EmbedderMetrics? _metrics;

    internal EmbeddingService(IEncoderRunner runner, EncoderDescription model, int maxBatchSize, int cacheCapacity, EmbedderMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        _runner = runner;
        _hasher = new ItemFeatureHasher(model.Hashing);
        _maxBatchSize = maxBatchSize;
        Model = model;
        Cache = new ItemEmbeddingCache(cacheCapacity, model.Dimension);
        _metrics = metrics;
        _metrics?.CacheHits.Add(0); // the series exist before the first batch
        _metrics?.CacheMisses.Add(0);
    }

    public EncoderDescription Model { get; }

    public string ModelVersion => Model.ModelVersion;

    /// <summary>D, the length of every embedding.</summary>
    public int Dimension => Model.Dimension;

    /// <summary>The execution provider the encoder actually runs on (CPU after a CUDA fallback).</summary>
    public string ExecutionProvider => _runner.ExecutionProvider;

    public ItemEmbeddingCache Cache { get; }

    /// <summary>
    /// Loads the model at <see cref="EmbedderOptions.ModelPath"/> and checks it against the options
    /// (<see cref="EncoderDescription.Resolve"/>).
    /// </summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An impossible setting.</exception>
    /// <exception cref="FileNotFoundException">There is no model file; the message says how to create one.</exception>
    /// <exception cref="InvalidOperationException">The model does not fit the encoder contract or the configuration.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime rejected the file (corrupt, unsupported operator...).</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA is configured, cannot be used, and AllowCpuFallback is off.</exception>
    /// <param name="options">The model and its settings.</param>
    /// <param name="logger">Where the model's description goes when it is loaded.</param>
    /// <param name="metrics">The host's embedder instruments; none outside a host (evaluation, benchmarks of the encoder alone).</param>
    public static EmbeddingService Load(EmbedderOptions options, ILogger? logger = null, EmbedderMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        EmbedderOptionsValidator.ThrowIfInvalid(options);
        logger ??= NullLogger.Instance;
        var path = Path.GetFullPath(options.ModelPath);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The encoder model '{options.ModelPath}' ({EmbedderOptions.SectionName}:ModelPath, resolved to '{path}') does not exist. " +
                "Run `streamrec train-encoder` to train and write one, or point ModelPath at an ONNX model with the encoder's contract.",
                path);
        }

        var session = EncoderSession.Open(path, options.ToSessionOptions(), logger);
        try
        {
            var model = EncoderDescription.Resolve(options, session.Inputs, session.Outputs, session.CustomMetadata, path);
            var runner = new OnnxEncoderRunner(
                session, options.OutputName, model.Hashing.MaxFeatures, model.Dimension);
            var service = new EmbeddingService(runner, model, options.MaxBatchSize, options.CacheCapacity, metrics);
            Log.ModelLoaded(
                logger, path, model.ModelVersion, model.Dimension, model.Hashing.MaxFeatures,
                model.HashingFromModel ? "model's metadata" : "configuration", session.ExecutionProvider, options.ExecutionProvider,
                options.MaxBatchSize, options.CacheCapacity);
            return service;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes the embedding of <paramref name="items"/>[i] into row i of <paramref name="destination"/>
    /// (row-major, D floats per row).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> holds fewer than items x D floats.</exception>
    /// <exception cref="OnnxRuntimeException">The encoder run failed.</exception>
    public EmbedStatistics Embed(IReadOnlyList<ItemAttributes> items, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(items);
        var d = Dimension;
        if (destination.Length < (long)items.Count * d)
        {
            throw new ArgumentException($"{items.Count} items need {(long)items.Count * d} floats; the destination holds {destination.Length}.", nameof(destination));
        }

        if (items.Count == 0)
        {
            return default;
        }

        // For each row, the row holding its item's first occurrence; misses lists those first rows
        // whose item was not cached. Every row's cache status is its item's status at the call's start.
        var firstRowOf = new Dictionary<string, int>(items.Count, StringComparer.Ordinal);
        var sourceRow = ArrayPool<int>.Shared.Rent(items.Count);
        var cached = ArrayPool<bool>.Shared.Rent(items.Count);
        var misses = new List<int>();
        var hits = 0;
        try
        {
            for (var row = 0; row < items.Count; row++)
            {
                var item = items[row];
                ArgumentNullException.ThrowIfNull(item, nameof(items));
                if (firstRowOf.TryGetValue(item.ItemId, out var first))
                {
                    sourceRow[row] = first;
                    hits += cached[first] ? 1 : 0;
                    continue;
                }

                firstRowOf.Add(item.ItemId, row);
                sourceRow[row] = row;
                cached[row] = Cache.TryCopyTo(new ItemVersionKey(item.ItemId, ModelVersion), destination.Slice(row * d, d));
                if (cached[row])
                {
                    hits++;
                }
                else
                {
                    misses.Add(row);
                }
            }

            var runs = EncodeMisses(items, misses, destination);
            for (var row = 0; row < items.Count; row++)
            {
                if (sourceRow[row] != row)
                {
                    destination.Slice(sourceRow[row] * d, d).CopyTo(destination.Slice(row * d, d));
                }
            }

            _metrics?.CacheHits.Add(hits);
            _metrics?.CacheMisses.Add(items.Count - hits);
            return new EmbedStatistics(items.Count, hits, misses.Count, runs);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(sourceRow);
            ArrayPool<bool>.Shared.Return(cached);
        }
    }

    public void Dispose() => _runner.Dispose();

    /// <summary>Encodes the rows listed in <paramref name="misses"/> in chunks, writes them and caches them; returns the number of runs.</summary>
    private int EncodeMisses(IReadOnlyList<ItemAttributes> items, List<int> misses, Span<float> destination)
    {
        if (misses.Count == 0)
        {
            return 0;
        }

        var d = Dimension;
        var seq = Model.Hashing.MaxFeatures;
        var chunkRows = Math.Min(_maxBatchSize, misses.Count);
        var ids = ArrayPool<long>.Shared.Rent(chunkRows * seq);
        var mask = ArrayPool<float>.Shared.Rent(chunkRows * seq);
        var output = ArrayPool<float>.Shared.Rent(chunkRows * d);
        var runs = 0;
        try
        {
            for (var start = 0; start < misses.Count; start += chunkRows)
            {
                var rows = Math.Min(chunkRows, misses.Count - start);
                for (var r = 0; r < rows; r++)
                {
                    _hasher.Write(items[misses[start + r]], ids.AsSpan(r * seq, seq), mask.AsSpan(r * seq, seq));
                }

                var began = Stopwatch.GetTimestamp();
                _runner.Run(ids.AsMemory(0, rows * seq), mask.AsMemory(0, rows * seq), rows, output.AsSpan(0, rows * d));
                _metrics?.Seconds.Record(Stopwatch.GetElapsedTime(began).TotalSeconds);
                _metrics?.BatchSize.Record(rows);
                runs++;

                for (var r = 0; r < rows; r++)
                {
                    var row = misses[start + r];
                    var embedding = output.AsSpan(r * d, d);
                    embedding.CopyTo(destination.Slice(row * d, d));
                    Cache.Put(new ItemVersionKey(items[row].ItemId, ModelVersion), embedding);
                }
            }

            return runs;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(ids);
            ArrayPool<float>.Shared.Return(mask);
            ArrayPool<float>.Shared.Return(output);
        }
    }
}
