namespace StreamRec.Training;

/// <summary>
/// The weights and identity of an item-encoder model: an embedding table of V rows by E columns, a
/// projection of E by D, a version string and the feature-hashing parameters that map item features to
/// row ids (stored in the model so the two can never drift apart).
/// </summary>
public sealed class EncoderModelParameters
{
    public EncoderModelParameters(
        ReadOnlyMemory<float> table,
        ReadOnlyMemory<float> projection,
        int vocabularySize,
        int tableDimension,
        int embeddingDimension,
        string modelVersion,
        IReadOnlyDictionary<string, string>? hashingParameters = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tableDimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(embeddingDimension, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelVersion);
        if (table.Length != (long)vocabularySize * tableDimension)
        {
            throw new ArgumentException($"The table has {table.Length} values; V x E = {vocabularySize} x {tableDimension} needs {(long)vocabularySize * tableDimension}.", nameof(table));
        }

        if (projection.Length != (long)tableDimension * embeddingDimension)
        {
            throw new ArgumentException($"The projection has {projection.Length} values; E x D = {tableDimension} x {embeddingDimension} needs {(long)tableDimension * embeddingDimension}.", nameof(projection));
        }

        Table = table;
        Projection = projection;
        VocabularySize = vocabularySize;
        TableDimension = tableDimension;
        EmbeddingDimension = embeddingDimension;
        ModelVersion = modelVersion;
        HashingParameters = hashingParameters ?? new Dictionary<string, string>();
    }

    /// <summary>Row-major V x E.</summary>
    public ReadOnlyMemory<float> Table { get; }

    /// <summary>Row-major E x D.</summary>
    public ReadOnlyMemory<float> Projection { get; }

    public int VocabularySize { get; }

    public int TableDimension { get; }

    public int EmbeddingDimension { get; }

    public string ModelVersion { get; }

    public IReadOnlyDictionary<string, string> HashingParameters { get; }

    /// <summary>
    /// Seeded random weights: table entries standard normal, projection normal with variance 1/E (a
    /// random projection that roughly preserves distances). With no trained model available, this gives
    /// a deterministic encoder whose embeddings of items with shared features are close.
    /// </summary>
    public static EncoderModelParameters CreateRandom(
        int vocabularySize,
        int tableDimension,
        int embeddingDimension,
        int seed,
        string modelVersion,
        IReadOnlyDictionary<string, string>? hashingParameters = null)
    {
        // System.Random with a seed is reproducible across runs and .NET versions (it keeps the legacy
        // seeded algorithm), which is what makes "same seed, same model" hold.
        var random = new Random(seed);
        var table = new float[(long)vocabularySize * tableDimension];
        var projection = new float[(long)tableDimension * embeddingDimension];
        FillNormal(random, table, 1.0);
        FillNormal(random, projection, 1.0 / Math.Sqrt(tableDimension));
        return new EncoderModelParameters(table, projection, vocabularySize, tableDimension, embeddingDimension, modelVersion, hashingParameters);
    }

    private static void FillNormal(Random random, Span<float> values, double standardDeviation)
    {
        // Box-Muller; 1 - NextDouble() is in (0, 1], so the logarithm is finite.
        for (var i = 0; i < values.Length; i++)
        {
            var radius = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble()));
            values[i] = (float)(standardDeviation * radius * Math.Cos(2.0 * Math.PI * random.NextDouble()));
        }
    }
}
