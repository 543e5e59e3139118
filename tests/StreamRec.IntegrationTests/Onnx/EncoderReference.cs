using StreamRec.Training;

namespace StreamRec.IntegrationTests.Onnx;

/// <summary>
/// The encoder of <see cref="EncoderModel"/> in plain C#, in double precision, written from its
/// definition and not from the graph: the yardstick the ONNX Runtime output is compared with.
/// </summary>
internal static class EncoderReference
{
    public static float[] Encode(EncoderModelParameters model, long[] ids, float[] mask, int batch, int seq)
    {
        var table = model.Table.Span;
        var projection = model.Projection.Span;
        int e = model.TableDimension, d = model.EmbeddingDimension;
        var output = new float[batch * d];
        var pooled = new double[e];
        var projected = new double[d];
        for (var b = 0; b < batch; b++)
        {
            Array.Clear(pooled);
            double maskTotal = 0;
            for (var s = 0; s < seq; s++)
            {
                var weight = mask[(b * seq) + s];
                var row = checked((int)ids[(b * seq) + s]);
                maskTotal += weight;
                for (var j = 0; j < e; j++)
                {
                    pooled[j] += weight * table[(row * e) + j];
                }
            }

            var divisor = Math.Max(maskTotal, EncoderModel.MaskEpsilon);
            double squares = 0;
            for (var k = 0; k < d; k++)
            {
                double sum = 0;
                for (var j = 0; j < e; j++)
                {
                    sum += pooled[j] / divisor * projection[(j * d) + k];
                }

                projected[k] = sum;
                squares += sum * sum;
            }

            var norm = Math.Max(Math.Sqrt(squares), EncoderModel.NormEpsilon);
            for (var k = 0; k < d; k++)
            {
                output[(b * d) + k] = (float)(projected[k] / norm);
            }
        }

        return output;
    }
}
