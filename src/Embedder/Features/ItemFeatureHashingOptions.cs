using System.Globalization;

namespace StreamRec.Embedder.Features;

/// <summary>
/// Parameters of the feature hashing. They are stored in every encoder model's metadata
/// (<see cref="EncoderModelMetadata.HashingPrefix"/>), so a model is always fed the ids it was trained on.
/// </summary>
public sealed record ItemFeatureHashingOptions
{
    /// <summary>The hashing scheme's name; a different scheme would be a different model input.</summary>
    public const string Scheme = "fnv1a64-v1";

    /// <summary>Rows of the embedding table, V: feature ids are in [0, V).</summary>
    public int VocabularySize { get; init; } = 65_536;

    /// <summary>Sequence length of the model input: features beyond it are dropped, shorter lists padded.</summary>
    public int MaxFeatures { get; init; } = 16;

    /// <summary>Mixed into every hash, so two models can use independent hashings.</summary>
    public uint Seed { get; init; } = 0x5EED;

    public IReadOnlyDictionary<string, string> ToMetadata() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["scheme"] = Scheme,
        ["vocabulary_size"] = VocabularySize.ToString(CultureInfo.InvariantCulture),
        ["max_features"] = MaxFeatures.ToString(CultureInfo.InvariantCulture),
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Reads the parameters back from model metadata (keys without the model's prefix).</summary>
    public static ItemFeatureHashingOptions FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        string Get(string key) => metadata.TryGetValue(key, out var value)
            ? value
            : throw new InvalidDataException($"The model's feature-hashing metadata lacks '{key}'.");
        if (Get("scheme") != Scheme)
        {
            throw new InvalidDataException($"The model uses feature hashing '{Get("scheme")}'; this build implements '{Scheme}'.");
        }

        return new ItemFeatureHashingOptions
        {
            VocabularySize = int.Parse(Get("vocabulary_size"), CultureInfo.InvariantCulture),
            MaxFeatures = int.Parse(Get("max_features"), CultureInfo.InvariantCulture),
            Seed = uint.Parse(Get("seed"), CultureInfo.InvariantCulture),
        };
    }
}
