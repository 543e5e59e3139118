using StreamRec.Benchmarks;
using StreamRec.Benchmarks.Drift;
using StreamRec.Benchmarks.Embedding;
using StreamRec.Benchmarks.EndToEnd;
using StreamRec.Benchmarks.Ingest;
using StreamRec.Benchmarks.Onnx;
using StreamRec.Benchmarks.Recommender;
using StreamRec.Embedder.Embedding;

// streamrec-bench <benchmark> [--option value ...]
// Prints a markdown table of measured figures on stdout and progress on stderr, so that
// `streamrec-bench onnx > results.md` keeps only the results. Benchmarks are never run as tests.
IBenchmark[] benchmarks =
[
    new OnnxEncoderBenchmark(),
    new EmbedderBenchmark(),
    new IngestBenchmark(),
    new DriftBenchmark(),
    new TopKBenchmark(),
    new PrivacyUtilityBenchmark(),
    new RecommendUtilityBenchmark(),
    new RecommendBenchmark(),
    new EndToEndBenchmark(),
    new SoakBenchmark(),
];

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: streamrec-bench <benchmark> [--option value ...]");
    foreach (var benchmark in benchmarks)
    {
        Console.WriteLine();
        Console.WriteLine($"  {benchmark.Name,-16} {benchmark.Summary}");
        foreach (var option in benchmark.Options)
        {
            Console.WriteLine($"                   {option}");
        }
    }

    return args.Length == 0 ? 2 : 0;
}

var selected = benchmarks.FirstOrDefault(b => b.Name == args[0]);
if (selected is null)
{
    Console.Error.WriteLine($"unknown benchmark '{args[0]}'; known: {string.Join(", ", benchmarks.Select(b => b.Name))}");
    return 2;
}

try
{
    return selected.Run(new BenchmarkArguments(args[1..]), Console.Out);
}
catch (UsageException ex)
{
    // Only a bad command line is reported this way; any other failure propagates and fails the run loudly.
    Console.Error.WriteLine($"{selected.Name}: {ex.Message}");
    return 2;
}
catch (ExecutionProviderUnavailableException ex)
{
    // A requested provider this machine cannot run (e.g. --provider cuda without CUDA) is a result to
    // report, with its own exit status, not a crash (scripts/gpu-check.sh tells the two apart).
    Console.Error.WriteLine($"{selected.Name}: {ex.Message}");
    return 3;
}
