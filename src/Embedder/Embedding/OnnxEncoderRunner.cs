namespace StreamRec.Embedder.Embedding;

/// <summary>
/// The encoder on ONNX Runtime: one <see cref="EncoderSession"/>, owned, reused for every run.
/// <para>
/// A run of a single row is padded to two identical rows. ORT's MatMul takes a different kernel for a
/// one-row left operand (MLAS's matrix-vector path), whose rounding differs from the batched kernel's by
/// up to an ulp; with two rows or more a row's result does not depend on the rest of the batch (measured
/// bit for bit, batches of 2 to 2,000 rows, 1 and 2 intra-op threads). Never running one row is what
/// makes the embedding of an item the same whether it comes from the cache, a batch of one or a batch
/// of hundreds.
/// </para>
/// </summary>
internal sealed class OnnxEncoderRunner(EncoderSession session, string outputName, int sequenceLength, int dimension)
    : IEncoderRunner
{
    public string ExecutionProvider => session.ExecutionProvider;

    public void Run(ReadOnlyMemory<long> ids, ReadOnlyMemory<float> mask, int rows, Span<float> embeddings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        if (rows == 1)
        {
            RunSingleRow(ids, mask, embeddings);
            return;
        }

        RunCore(ids, mask, rows, embeddings);
    }

    public void Dispose() => session.Dispose();

    private void RunSingleRow(ReadOnlyMemory<long> ids, ReadOnlyMemory<float> mask, Span<float> embedding)
    {
        var paddedIds = new long[2 * sequenceLength];
        var paddedMask = new float[2 * sequenceLength];
        for (var copy = 0; copy < 2; copy++)
        {
            ids.Span[..sequenceLength].CopyTo(paddedIds.AsSpan(copy * sequenceLength));
            mask.Span[..sequenceLength].CopyTo(paddedMask.AsSpan(copy * sequenceLength));
        }

        Span<float> both = dimension <= 256 ? stackalloc float[2 * dimension] : new float[2 * dimension];
        RunCore(paddedIds, paddedMask, 2, both);
        both[..dimension].CopyTo(embedding);
    }

    private void RunCore(ReadOnlyMemory<long> ids, ReadOnlyMemory<float> mask, int rows, Span<float> embeddings)
    {
        var shape = session.RunInto(ids, mask, rows, sequenceLength, embeddings);

        // D was resolved from the model's declarations (or configuration); a model whose actual output
        // disagrees must fail loudly, not shift every row of the batch.
        if (shape.Length != 2 || shape[0] != rows || shape[1] != dimension)
        {
            throw new InvalidOperationException(
                $"The encoder's output '{outputName}' has shape [{string.Join(", ", shape)}]; expected [{rows}, {dimension}] (rows, D).");
        }
    }
}
