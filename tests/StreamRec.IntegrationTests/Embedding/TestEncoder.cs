using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Features;
using StreamRec.IntegrationTests.Onnx;
using StreamRec.Training;

namespace StreamRec.IntegrationTests.Embedding;

/// <summary>
/// A seeded random encoder written to a temporary model file, and the expected embedding of any item
/// computed without ONNX Runtime: the item's hashed features through <see cref="EncoderReference"/>.
/// </summary>
internal sealed class TestEncoder : IDisposable
{
    private readonly ItemFeatureHasher _hasher;

    public TestEncoder(string modelVersion, bool hashingInMetadata = true, int seed = 20261122)
    {
        Hashing = new ItemFeatureHashingOptions { VocabularySize = 4096, MaxFeatures = 8, Seed = 77 };
        Parameters = EncoderModelParameters.CreateRandom(
            Hashing.VocabularySize, tableDimension: 16, embeddingDimension: 12, seed, modelVersion,
            hashingInMetadata ? Hashing.ToMetadata() : null);
        ModelPath = Path.Combine(Path.GetTempPath(), $"streamrec-embedder-{Guid.NewGuid():N}.onnx");
        EncoderModel.Write(Parameters, ModelPath);
        _hasher = new ItemFeatureHasher(Hashing);
    }

    public ItemFeatureHashingOptions Hashing { get; }

    public EncoderModelParameters Parameters { get; }

    public string ModelPath { get; }

    public int Dimension => Parameters.EmbeddingDimension;

    public EmbedderOptions Options(Action<EmbedderOptions>? configure = null)
    {
        var options = new EmbedderOptions { ModelPath = ModelPath };
        configure?.Invoke(options);
        return options;
    }

    public float[] Reference(ItemAttributes item)
    {
        var ids = new long[Hashing.MaxFeatures];
        var mask = new float[Hashing.MaxFeatures];
        _hasher.Write(item, ids, mask);
        return EncoderReference.Encode(Parameters, ids, mask, batch: 1, seq: Hashing.MaxFeatures);
    }

    public static void AssertClose(float[] expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var k = 0; k < expected.Length; k++)
        {
            Assert.True(Math.Abs(expected[k] - actual[k]) <= 1e-5, $"{what}, value {k}: expected {expected[k]}, got {actual[k]}");
        }
    }

    public void Dispose() => File.Delete(ModelPath);
}
