namespace StreamRec.Embedder.Embedding;

/// <summary>
/// One forward pass of an item encoder, the seam between <see cref="EmbeddingService"/>'s batching and
/// ONNX Runtime (<see cref="OnnxEncoderRunner"/>); unit tests put a fake behind it.
/// </summary>
internal interface IEncoderRunner : IDisposable
{
    /// <summary>The execution provider the encoder runs on ("cpu", "cuda").</summary>
    string ExecutionProvider { get; }

    /// <summary>
    /// Encodes <paramref name="rows"/> items: <paramref name="ids"/> and <paramref name="mask"/> hold
    /// rows x seq values, row-major; writes rows x D floats to <paramref name="embeddings"/>. Safe to call
    /// from several threads at once.
    /// </summary>
    void Run(ReadOnlyMemory<long> ids, ReadOnlyMemory<float> mask, int rows, Span<float> embeddings);
}
