using StreamRec.Embedder.Embedding;

namespace StreamRec.UnitTests.Embedding;

/// <summary>
/// An encoder that records the rows of every run and encodes a row as a function of its ids only
/// (value k = sum of ids + k), so tests can tell which row ended where.
/// </summary>
internal sealed class FakeEncoderRunner(int sequenceLength, int dimension) : IEncoderRunner
{
    public List<int> RunRows { get; } = [];

    public string ExecutionProvider => "fake";

    public void Run(ReadOnlyMemory<long> ids, ReadOnlyMemory<float> mask, int rows, Span<float> embeddings)
    {
        Assert.Equal(rows * sequenceLength, ids.Length);
        Assert.Equal(rows * sequenceLength, mask.Length);
        RunRows.Add(rows);
        for (var r = 0; r < rows; r++)
        {
            Encode(ids.Span.Slice(r * sequenceLength, sequenceLength), embeddings.Slice(r * dimension, dimension));
        }
    }

    public void Encode(ReadOnlySpan<long> ids, Span<float> embedding)
    {
        long sum = 0;
        foreach (var id in ids)
        {
            sum += id;
        }

        for (var k = 0; k < embedding.Length; k++)
        {
            embedding[k] = sum + k;
        }
    }

    public void Dispose()
    {
    }
}
