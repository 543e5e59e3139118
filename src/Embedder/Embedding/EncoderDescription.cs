using System.Globalization;
using StreamRec.Embedder.Features;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace StreamRec.Embedder.Embedding;

/// <summary>
/// What the embedder needs to know about a loaded encoder, resolved from the model's declarations
/// (inputs, output, metadata) and the configuration, with every disagreement a start-up error that
/// names the setting and the model key.
/// </summary>
/// <param name="ModelVersion">The model's <c>streamrec.model_version</c>, or the configured one.</param>
/// <param name="Dimension">D, the length of an embedding.</param>
/// <param name="Hashing">The feature hashing the model was trained with; its MaxFeatures is the sequence length.</param>
/// <param name="HashingFromModel">True when <paramref name="Hashing"/> came from the model's <c>streamrec.hashing.*</c> metadata.</param>
public sealed record EncoderDescription(string ModelVersion, int Dimension, ItemFeatureHashingOptions Hashing, bool HashingFromModel)
{
    private const string Section = EmbedderOptions.SectionName;

    /// <summary>
    /// Checks a loaded model's <paramref name="inputs"/>, <paramref name="outputs"/> and
    /// <paramref name="metadata"/> against the <paramref name="options"/> and resolves the description;
    /// <paramref name="modelSource"/> (the model's path) is for messages.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model does not fit the contract or disagrees with the configuration.</exception>
    public static EncoderDescription Resolve(
        EmbedderOptions options,
        IReadOnlyList<OnnxValueInfo> inputs,
        IReadOnlyList<OnnxValueInfo> outputs,
        IReadOnlyDictionary<string, string> metadata,
        string modelSource)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(metadata);

        var ids = Find(inputs, options.InputIdsName, TensorElementType.Int64, "InputIdsName", "input", modelSource);
        var mask = Find(inputs, options.InputMaskName, TensorElementType.Float, "InputMaskName", "input", modelSource);
        var output = Find(outputs, options.OutputName, TensorElementType.Float, "OutputName", "output", modelSource);

        var (hashing, hashingFromModel) = ResolveHashing(options, metadata, modelSource);
        foreach (var input in new[] { ids, mask })
        {
            if (input.Shape[1] >= 0 && input.Shape[1] != hashing.MaxFeatures)
            {
                throw new InvalidOperationException(
                    $"Model '{modelSource}': input {input} has a fixed sequence length of {input.Shape[1]}, but the feature hashing gives " +
                    $"{hashing.MaxFeatures} features per item (MaxFeatures).");
            }
        }

        if (TryGetInt(metadata, EncoderModelMetadata.VocabularySize, modelSource) is { } vocabulary && vocabulary != hashing.VocabularySize)
        {
            throw new InvalidOperationException(
                $"Model '{modelSource}': its table has '{EncoderModelMetadata.VocabularySize}' = {vocabulary} rows, but the feature hashing " +
                $"maps features into {hashing.VocabularySize} (VocabularySize); ids would not match the table.");
        }

        return new EncoderDescription(
            ResolveVersion(options, metadata, modelSource),
            ResolveDimension(options, output, metadata, modelSource),
            hashing,
            hashingFromModel);
    }

    private static OnnxValueInfo Find(
        IReadOnlyList<OnnxValueInfo> values, string name, TensorElementType elementType, string key, string kind, string modelSource)
    {
        var value = values.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.Ordinal))
            ?? throw new InvalidOperationException(
                $"Model '{modelSource}' has no {kind} '{name}' ({Section}:{key}); its {kind}s are: {string.Join("; ", values)}.");
        if (value.ElementType != elementType || value.Shape.Count != 2)
        {
            throw new InvalidOperationException(
                $"Model '{modelSource}': {kind} {value} must be {elementType}[batch, {(kind == "input" ? "seq" : "D")}] for the encoder contract.");
        }

        return value;
    }

    private static (ItemFeatureHashingOptions Hashing, bool FromModel) ResolveHashing(
        EmbedderOptions options, IReadOnlyDictionary<string, string> metadata, string modelSource)
    {
        var declared = metadata
            .Where(entry => entry.Key.StartsWith(EncoderModelMetadata.HashingPrefix, StringComparison.Ordinal))
            .ToDictionary(entry => entry.Key[EncoderModelMetadata.HashingPrefix.Length..], entry => entry.Value, StringComparer.Ordinal);
        if (declared.Count == 0)
        {
            return options.Hashing is { } configured
                ? (configured, false)
                : throw new InvalidOperationException(
                    $"Model '{modelSource}' has no '{EncoderModelMetadata.HashingPrefix}*' metadata: set {Section}:Hashing:VocabularySize, " +
                    $"{Section}:Hashing:MaxFeatures and {Section}:Hashing:Seed to the feature hashing it was trained with.");
        }

        ItemFeatureHashingOptions fromModel;
        try
        {
            fromModel = ItemFeatureHashingOptions.FromMetadata(declared);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or OverflowException)
        {
            throw new InvalidOperationException($"Model '{modelSource}': unusable '{EncoderModelMetadata.HashingPrefix}*' metadata: {e.Message}", e);
        }

        if (options.Hashing is { } other && other != fromModel)
        {
            throw new InvalidOperationException(
                $"{Section}:Hashing ({other}) differs from the model's '{EncoderModelMetadata.HashingPrefix}*' metadata ({fromModel}) in " +
                $"'{modelSource}'. The model's own hashing is the one it was trained with: remove {Section}:Hashing.");
        }

        return (fromModel, true);
    }

    private static string ResolveVersion(EmbedderOptions options, IReadOnlyDictionary<string, string> metadata, string modelSource)
    {
        var declared = metadata.GetValueOrDefault(EncoderModelMetadata.ModelVersion);
        var configured = string.IsNullOrWhiteSpace(options.ModelVersion) ? null : options.ModelVersion;
        if (declared is not null && configured is not null && !string.Equals(declared, configured, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"{Section}:ModelVersion is '{configured}' but model '{modelSource}' declares '{EncoderModelMetadata.ModelVersion}' = " +
                $"'{declared}'. Remove {Section}:ModelVersion (it is only for models without that key).");
        }

        return (declared ?? configured) is { Length: > 0 } version
            ? version
            : throw new InvalidOperationException(
                $"Model '{modelSource}' has no '{EncoderModelMetadata.ModelVersion}' metadata: set {Section}:ModelVersion " +
                "(it keys the embedding cache and the item vectors in Redis).");
    }

    private static int ResolveDimension(
        EmbedderOptions options, OnnxValueInfo output, IReadOnlyDictionary<string, string> metadata, string modelSource)
    {
        var declared = TryGetInt(metadata, EncoderModelMetadata.EmbeddingDimension, modelSource);
        int? shaped = output.Shape[1] >= 0 ? (int)output.Shape[1] : null;
        if (declared is { } d && shaped is { } s && d != s)
        {
            throw new InvalidOperationException(
                $"Model '{modelSource}' declares '{EncoderModelMetadata.EmbeddingDimension}' = {d} but its output {output} has {s} columns.");
        }

        var fromModel = declared ?? shaped;
        if (options.Dimension == 0)
        {
            return fromModel ?? throw new InvalidOperationException(
                $"Model '{modelSource}' declares neither '{EncoderModelMetadata.EmbeddingDimension}' nor a fixed output dimension " +
                $"({output}): set {Section}:Dimension.");
        }

        if (fromModel is { } m && m != options.Dimension)
        {
            var source = declared is not null ? $"'{EncoderModelMetadata.EmbeddingDimension}' = {m}" : $"output {output}";
            throw new InvalidOperationException(
                $"{Section}:Dimension is {options.Dimension} but model '{modelSource}' declares {source}. " +
                $"Set {Section}:Dimension to {m}, or to 0 to take it from the model.");
        }

        return options.Dimension;
    }

    private static int? TryGetInt(IReadOnlyDictionary<string, string> metadata, string key, string modelSource)
    {
        if (!metadata.TryGetValue(key, out var text))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new InvalidOperationException($"Model '{modelSource}': metadata '{key}' = '{text}' is not a positive integer.");
    }
}
