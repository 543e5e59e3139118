using Microsoft.ML.OnnxRuntime;
using StreamRec.Embedder.Embedding;
using StreamRec.Training;

namespace StreamRec.IntegrationTests.Onnx;

/// <summary>The encoder graph written by <see cref="EncoderModel"/>, run by the real ONNX Runtime.</summary>
public sealed class EncoderModelRuntimeTests
{
    private const int V = 1000, E = 32, D = 16, Batch = 8, Seq = 5;

    private static readonly EncoderModelParameters Parameters = EncoderModelParameters.CreateRandom(V, E, D, seed: 20261122, "test-1");
    private static readonly byte[] ModelBytes = EncoderModel.Build(Parameters);

    private static float[] Run(EncoderSession session, EncoderBatch batch) => session.Run(batch.Ids, batch.Mask, batch.Batch, batch.Seq);

    [Fact]
    public void Encoder_model_matches_plain_csharp_within_1e_5()
    {
        using var session = EncoderSession.Open(ModelBytes);
        var batch = EncoderBatch.Random(seed: 7, Batch, Seq, V);

        var actual = new float[Batch * D];
        var shape = session.RunInto(batch.Ids, batch.Mask, Batch, Seq, actual);

        Assert.Equal([Batch, D], shape);
        var expected = EncoderReference.Encode(Parameters, batch.Ids, batch.Mask, Batch, Seq);
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"element {i}: expected {expected[i]}, ONNX Runtime gave {actual[i]}");
        }
    }

    [Fact]
    public void Fully_masked_row_encodes_to_the_zero_vector_and_others_to_unit_length()
    {
        using var session = EncoderSession.Open(ModelBytes);
        var batch = EncoderBatch.Random(seed: 8, Batch, Seq, V);

        var embedding = Run(session, batch);

        Assert.All(embedding[..D], value => Assert.Equal(0f, value));
        for (var row = 1; row < Batch; row++)
        {
            var norm = Math.Sqrt(embedding.AsSpan(row * D, D).ToArray().Sum(x => (double)x * x));
            Assert.InRange(norm, 1 - 1e-5, 1 + 1e-5);
        }
    }

    [Fact]
    public void RunInto_writes_the_same_embedding_into_a_caller_buffer_and_nothing_past_it()
    {
        using var session = EncoderSession.Open(ModelBytes);
        var batch = EncoderBatch.Random(seed: 9, Batch, Seq, V);
        var buffer = new float[(Batch * D) + 3];
        Array.Fill(buffer, float.NaN);

        var shape = session.RunInto(batch.Ids, batch.Mask, Batch, Seq, buffer);

        Assert.Equal([Batch, D], shape);
        Assert.Equal(Run(session, batch), buffer[..(Batch * D)]);
        Assert.All(buffer[(Batch * D)..], value => Assert.True(float.IsNaN(value), "RunInto wrote past the output"));
    }

    [Fact]
    public void Batch_and_sequence_sizes_vary_from_call_to_call()
    {
        using var session = EncoderSession.Open(ModelBytes);

        foreach (var (batchSize, seq) in new[] { (1, 1), (3, 16), (64, 2) })
        {
            var batch = EncoderBatch.Random(seed: batchSize * seq, batchSize, seq, V);
            var output = new float[batchSize * D];
            var shape = session.RunInto(batch.Ids, batch.Mask, batchSize, seq, output);

            Assert.Equal([batchSize, D], shape);
            var expected = EncoderReference.Encode(Parameters, batch.Ids, batch.Mask, batchSize, seq);
            Assert.All(expected.Zip(output), pair => Assert.True(Math.Abs(pair.First - pair.Second) <= 1e-5));
        }
    }

    [Fact]
    public async Task Concurrent_runs_on_one_session_give_the_same_results_as_sequential_ones()
    {
        using var session = EncoderSession.Open(ModelBytes);
        var batches = Enumerable.Range(0, 8).Select(i => EncoderBatch.Random(seed: 100 + i, Batch, Seq, V)).ToArray();
        var sequential = batches.Select(b => Run(session, b)).ToArray();
        const int Threads = 4, RunsPerThread = 200;
        using var start = new Barrier(Threads);

        // Dedicated threads: pool threads blocked in the barrier would wait for the pool to grow.
        var workers = Enumerable.Range(0, Threads).Select(thread => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            var mismatches = 0;
            for (var run = 0; run < RunsPerThread; run++)
            {
                var index = (thread + run) % batches.Length;
                if (!Run(session, batches[index]).AsSpan().SequenceEqual(sequential[index]))
                {
                    mismatches++;
                }
            }

            return mismatches;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));

        Assert.Equal(new int[Threads], await Task.WhenAll(workers));
    }

    [Fact]
    public void Id_beyond_the_table_surfaces_as_OnnxRuntimeException_with_the_runtime_message()
    {
        using var session = EncoderSession.Open(ModelBytes);
        var batch = EncoderBatch.Random(seed: 10, Batch, Seq, V);
        batch.Ids[7] = V;

        var error = Assert.Throws<OnnxRuntimeException>(() => Run(session, batch));

        Assert.Contains("indices", error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
