using System.Globalization;
using StreamRec.Benchmarks.Harness;
using StreamRec.Embedder.Embedding;
using StreamRec.Training;

namespace StreamRec.Benchmarks.Onnx;

/// <summary>
/// Rows per second of the item encoder (<see cref="EncoderModel"/>) through ONNX Runtime at the
/// production size (V=65536, E=64, D=64, seq 16), per micro-batch size. Each operation is one
/// <see cref="EncoderSession.RunInto"/> into a reused buffer, the allocation-free path the embedder uses;
/// the inputs are fixed random ids and masks built once per batch size.
/// </summary>
internal sealed class OnnxEncoderBenchmark : IBenchmark
{
    public string Name => "onnx";

    public string Summary => "item encoder rows/s through ONNX Runtime, per micro-batch size";

    public IReadOnlyList<string> Options =>
    [
        "--threads N         ONNX Runtime intra-op threads (default 1)",
        "--batches 1,32,256  micro-batch sizes",
        "--repetitions N     timed repetitions per batch size (default 7)",
        "--vocabulary N      embedding table rows V (default 65536)",
        "--table-dim N       embedding table width E (default 64)",
        "--dim N             output dimension D (default 64)",
        "--seq N             sequence length (default 16)",
    ];

    public int Run(BenchmarkArguments arguments, TextWriter output)
    {
        var threads = arguments.GetInt("threads", 1);
        var batches = arguments.GetInts("batches", [1, 32, 256]);
        var repetitions = arguments.GetInt("repetitions", 7);
        var vocabulary = arguments.GetInt("vocabulary", 65536);
        var tableDim = arguments.GetInt("table-dim", 64);
        var dim = arguments.GetInt("dim", 64);
        var seq = arguments.GetInt("seq", 16);
        arguments.ThrowIfUnused();

        Console.Error.WriteLine($"onnx: building encoder V={vocabulary} E={tableDim} D={dim}");
        var model = EncoderModel.Build(EncoderModelParameters.CreateRandom(vocabulary, tableDim, dim, seed: 1, "bench"));
        using var session = EncoderSession.Open(model, new EncoderSessionOptions { IntraOpThreads = threads });

        output.WriteLine($"# ONNX Runtime {EncoderSession.RuntimeVersion}, {session.ExecutionProvider}, intra-op threads {threads}, " +
            $"{Environment.ProcessorCount} cores, .NET {Environment.Version}");
        output.WriteLine($"# encoder V={vocabulary} E={tableDim} D={dim} seq={seq}, model {model.Length / 1024.0 / 1024.0:0.0} MiB, " +
            $"median of {repetitions} repetitions (~0.5 s each) after 1 s warm-up");
        output.WriteLine($"| {"batch",5} | {"median rows/s",13} | {"min rows/s",12} | {"max rows/s",12} | {"median us/run",13} | {"runs/rep",8} |");
        output.WriteLine($"|{new string('-', 7)}|{new string('-', 15)}|{new string('-', 14)}|{new string('-', 14)}|{new string('-', 15)}|{new string('-', 10)}|");

        foreach (var batch in batches)
        {
            Console.Error.WriteLine($"onnx: batch {batch}: warm-up and {repetitions} repetitions");
            var random = new Random(batch);
            var ids = Enumerable.Range(0, batch * seq).Select(_ => (long)random.Next(vocabulary)).ToArray();
            var mask = Enumerable.Range(0, batch * seq).Select(_ => random.NextDouble() < 0.2 ? 0f : 1f).ToArray();
            var destination = new float[batch * dim];

            var result = Throughput.Measure(
                () => session.RunInto(ids, mask, batch, seq, destination),
                itemsPerOperation: batch, repetitions, warmup: TimeSpan.FromSeconds(1), repetitionTarget: TimeSpan.FromSeconds(0.5));

            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {batch,5} | {result.Median,13:N0} | {result.Min,12:N0} | {result.Max,12:N0} | {result.MedianMicrosecondsPerOperation,13:N1} | {result.OperationsPerRepetition,8} |"));
        }

        return 0;
    }
}
