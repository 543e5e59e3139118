using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using StreamRec.Embedder;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Features;

namespace StreamRec.Training;

/// <summary>
/// Writes a trained encoder as the ONNX model of <see cref="EncoderModel"/>, with its training settings
/// and quality numbers in the metadata, and proves the file right by running it.
/// </summary>
public static class EncoderExport
{
    /// <summary>Prefix of the training settings in the model's metadata.</summary>
    public const string TrainingPrefix = "streamrec.training.";

    /// <summary>Largest difference allowed between ONNX Runtime's embedding and the trainer's.</summary>
    public const float Tolerance = 1e-5f;

    /// <summary>
    /// "item2vec-" and the first 12 hex digits of the SHA-256 of the table, the projection and the
    /// hashing parameters: the same training gives the same version, and any other model a different
    /// one, which is what the embedder's cache (keyed by item id and model version) relies on.
    /// </summary>
    public static string DefaultVersion(SkipGramTrainer trainer, ItemFeatureHashingOptions hashing)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(hashing);
        var parameters = trainer.ToModelParameters("unversioned", hashing);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(MemoryMarshal.AsBytes(parameters.Table.Span));
        sha.AppendData(MemoryMarshal.AsBytes(parameters.Projection.Span));
        foreach (var (key, value) in hashing.ToMetadata().OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{key}={value}\n"));
        }

        return "item2vec-" + Convert.ToHexStringLower(sha.GetHashAndReset())[..12];
    }

    /// <summary>
    /// Writes the model to <paramref name="path"/> atomically (the directory must exist). Its metadata
    /// holds, besides <see cref="EncoderModelMetadata"/>, the training settings (<see cref="TrainingPrefix"/>)
    /// and the quality report (<see cref="EncoderQualityReport.MetadataPrefix"/>); nothing that varies
    /// from run to run (such as the time taken), so the same training writes the same bytes.
    /// </summary>
    public static void Write(EncoderTrainingResult result, EncoderTrainingOptions options, string modelVersion, string path)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelVersion);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var model = EncoderModel.CreateBuilder(result.Trainer.ToModelParameters(modelVersion, options.Hashing));
        foreach (var (key, value) in TrainingMetadata(result, options))
        {
            model.WithMetadata(key, value);
        }

        foreach (var (key, value) in result.Quality.ToMetadata())
        {
            model.WithMetadata(key, value);
        }

        model.WriteFile(path);
    }

    /// <summary>
    /// Loads the model file with ONNX Runtime and encodes <paramref name="sampleSize"/> items spread over
    /// the catalog from their attributes, hashed with the parameters read back from the file: each
    /// embedding must equal the trainer's within <see cref="Tolerance"/>. This checks the writer, the
    /// graph, the stored hashing parameters and the trainer's idea of the encoder all at once.
    /// </summary>
    /// <exception cref="InvalidDataException">The file does not encode like the trainer (what differs is named).</exception>
    public static EncoderExportCheck Verify(string path, SkipGramTrainer trainer, IReadOnlyList<ItemAttributes> items, string modelVersion, int sampleSize = 32)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleSize, 1);
        using var session = EncoderSession.Open(path);
        var metadata = session.CustomMetadata;
        if (!metadata.TryGetValue(EncoderModelMetadata.ModelVersion, out var version) || version != modelVersion)
        {
            throw new InvalidDataException($"'{path}' has model version '{version}', not '{modelVersion}'.");
        }

        var hashing = ItemFeatureHashingOptions.FromMetadata(metadata
            .Where(entry => entry.Key.StartsWith(EncoderModelMetadata.HashingPrefix, StringComparison.Ordinal))
            .ToDictionary(entry => entry.Key[EncoderModelMetadata.HashingPrefix.Length..], entry => entry.Value, StringComparer.Ordinal));
        var hasher = new ItemFeatureHasher(hashing);
        var sample = Enumerable.Range(0, Math.Min(sampleSize, items.Count)).Select(i => (int)((long)i * items.Count / Math.Min(sampleSize, items.Count))).ToArray();
        var seq = hashing.MaxFeatures;
        var ids = new long[sample.Length * seq];
        var mask = new float[sample.Length * seq];
        for (var i = 0; i < sample.Length; i++)
        {
            hasher.Write(items[sample[i]], ids.AsSpan(i * seq, seq), mask.AsSpan(i * seq, seq));
        }

        var output = session.Run(ids, mask, sample.Length, seq);
        var dimension = trainer.Dimension;
        if (output.Length != sample.Length * dimension)
        {
            throw new InvalidDataException($"'{path}' gave {output.Length} values for {sample.Length} items; {dimension} each were expected.");
        }

        var expected = new float[dimension];
        var maxDifference = 0f;
        for (var i = 0; i < sample.Length; i++)
        {
            trainer.Embed(sample[i], expected);
            for (var d = 0; d < dimension; d++)
            {
                var difference = Math.Abs(expected[d] - output[(i * dimension) + d]);
                if (!(difference <= Tolerance))
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                        $"'{path}' does not encode like the trainer: item '{items[sample[i]].ItemId}', component {d}: ONNX Runtime gives {output[(i * dimension) + d]}, the trainer {expected[d]}."));
                }

                maxDifference = Math.Max(maxDifference, difference);
            }
        }

        return new EncoderExportCheck(sample.Length, maxDifference);
    }

    private static SortedDictionary<string, string> TrainingMetadata(EncoderTrainingResult result, EncoderTrainingOptions options)
    {
        static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
        var skipGram = options.SkipGram;
        return new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [TrainingPrefix + "method"] = "item2vec skip-gram, negative sampling (count^0.75), feature-mean input",
            [TrainingPrefix + "epochs"] = Invariant(skipGram.Epochs),
            [TrainingPrefix + "window"] = Invariant(skipGram.Window),
            [TrainingPrefix + "negatives"] = Invariant(skipGram.Negatives),
            [TrainingPrefix + "learning_rate"] = Invariant(skipGram.LearningRate),
            [TrainingPrefix + "seed"] = Invariant(skipGram.Seed),
            [TrainingPrefix + "holdout_fraction"] = Invariant(options.HoldoutFraction),
            [TrainingPrefix + "users"] = Invariant(result.Split.Training.Count),
            [TrainingPrefix + "items"] = Invariant(result.Trainer.Features.ItemCount),
            [TrainingPrefix + "interactions"] = Invariant(result.TrainingInteractions),
            [TrainingPrefix + "pairs"] = Invariant(result.Training.Pairs),
            [TrainingPrefix + "final_loss"] = result.Training.Loss.ToString("0.####", CultureInfo.InvariantCulture),
        };
    }
}
