namespace StreamRec.IntegrationTests.Onnx;

/// <summary>
/// A seeded random micro-batch for the encoder. Row 0 is fully masked (its embedding must be the zero
/// vector), row 1 is fully unmasked, row 2 has fractional weights; the remaining positions are masked
/// with probability 0.3.
/// </summary>
internal sealed record EncoderBatch(long[] Ids, float[] Mask, int Batch, int Seq)
{
    public static EncoderBatch Random(int seed, int batch, int seq, int vocabularySize)
    {
        var random = new Random(seed);
        var ids = new long[batch * seq];
        var mask = new float[batch * seq];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = random.Next(vocabularySize);
            var row = i / seq;
            mask[i] = row switch
            {
                0 => 0f,
                1 => 1f,
                2 => 0.05f + (0.95f * random.NextSingle()),
                _ => random.NextDouble() < 0.3 ? 0f : 1f,
            };
        }

        return new EncoderBatch(ids, mask, batch, seq);
    }
}
