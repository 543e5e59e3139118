using System.Globalization;
using System.Numerics.Tensors;
using StreamRec.Benchmarks.Harness;
using StreamRec.Recommender.Privacy;
using StreamRec.Recommender.Scoring;

namespace StreamRec.Benchmarks.Recommender;

/// <summary>
/// Top-K queries/s over catalogs of random unit vectors, against the raw limits measured in the same run
/// on the same matrix:
/// <list type="number">
/// <item>memory bound: one streaming pass over the matrix (TensorPrimitives.Sum), rows/s;</item>
/// <item>raw dot-product bound: a tight loop of TensorPrimitives.Dot over every row, nothing stored;</item>
/// <item>non-private top-K: CandidateScores.Compute + TopK;</item>
/// <item>private top-K: Compute + PrivateTopK.Select (peeling, CryptoRandomSource), and Select alone,
/// and Select with a seeded source (for cost attribution only: such a release would not be private).</item>
/// </list>
/// One thread: the stage scales across users with threads, so per-thread rates are the useful figure.
/// </summary>
internal sealed class TopKBenchmark : IBenchmark
{
    public string Name => "topk";

    public string Summary => "top-K queries/s (non-private and private) vs the raw dot-product and memory bounds, same matrix";

    public IReadOnlyList<string> Options { get; } =
    [
        "--sizes N,N       catalog sizes (default 10000,100000,1000000)",
        "--dimension N     vector dimension (default 64)",
        "--k N             items per query (default 10)",
        "--epsilon X       epsilon of the private selection (default 1)",
        "--repetitions N   timed repetitions, median reported (default 5)",
    ];

    public int Run(BenchmarkArguments arguments, TextWriter output)
    {
        var sizes = arguments.GetInts("sizes", [10_000, 100_000, 1_000_000]);
        var dimension = arguments.GetInt("dimension", 64);
        var k = arguments.GetInt("k", 10);
        var epsilon = BenchmarkNumbers.GetDouble(arguments, "epsilon", 1);
        var repetitions = arguments.GetInt("repetitions", 5);
        arguments.ThrowIfUnused();

        var delta = ScoreSensitivity.Default;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# Top-{k} over random unit vectors, D = {dimension}, one thread, {Environment.ProcessorCount} cores, medians of {repetitions}; private: peeling report-noisy-max, ε = {epsilon} ({epsilon / k} per round), Δ = {delta}, noise scale {PrivateTopK.NoiseScaleUnits(k, epsilon, delta):N0} grid units of 2^{Math.ILogB(ScoreGrid.Unit(delta))}"));
        output.WriteLine("| catalog | measurement | median | min | max | unit | as queries/s | ratio to raw dot bound |");
        output.WriteLine("|---:|---|---:|---:|---:|---|---:|---:|");
        foreach (var size in sizes)
        {
            Console.Error.WriteLine($"topk: building {size:N0} random unit vectors");
            var matrix = RandomMatrix(size, dimension, seed: (ulong)size);
            var user = UserVector(matrix, seed: 7);
            var scores = new float[size];
            var mechanism = new PrivateTopK();
            var seeded = new SeededRandomSource(1);
            var sink = 0.0;
            var warmup = TimeSpan.FromSeconds(size >= 1_000_000 ? 2 : 1);
            var target = TimeSpan.FromSeconds(0.5);

            Console.Error.WriteLine($"topk: {size:N0}: raw bounds");
            var stream = Throughput.Measure(() => sink += TensorPrimitives.Sum(matrix.Values), size, repetitions, warmup, target);
            var dot = Throughput.Measure(() =>
            {
                var values = matrix.Values;
                var sum = 0f;
                for (var row = 0; row < size; row++)
                {
                    sum += TensorPrimitives.Dot(values.Slice(row * dimension, dimension), user);
                }

                sink += sum;
            }, size, repetitions, warmup, target);

            Console.Error.WriteLine($"topk: {size:N0}: queries");
            var compute = Throughput.Measure(() => CandidateScores.Compute(matrix, user, scores), 1, repetitions, warmup, target);
            var plain = Throughput.Measure(() =>
            {
                CandidateScores.Compute(matrix, user, scores);
                sink += CandidateScores.TopK(scores, k)[0];
            }, 1, repetitions, warmup, target);
            var @private = Throughput.Measure(() =>
            {
                CandidateScores.Compute(matrix, user, scores);
                sink += mechanism.Select(scores, k, epsilon, delta, CryptoRandomSource.Shared).Rows[0];
            }, 1, repetitions, warmup, target);
            CandidateScores.Compute(matrix, user, scores);
            var selectOnly = Throughput.Measure(() => sink += mechanism.Select(scores, k, epsilon, delta, CryptoRandomSource.Shared).Rows[0], 1, repetitions, warmup, target);
            var selectSeeded = Throughput.Measure(() => sink += mechanism.Select(scores, k, epsilon, delta, seeded).Rows[0], 1, repetitions, warmup, target);

            var bound = dot.Median / size; // queries/s if a query cost exactly one dot product per row
            void Row(string what, ThroughputResult r, string unit, double queries) => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {size:N0} | {what} | {r.Median:N0} | {r.Min:N0} | {r.Max:N0} | {unit} | {queries:N1} | {queries / bound:0.00} |"));
            Row("memory bound: one streaming read of the matrix", stream, "rows/s", stream.Median / size);
            Row("raw dot-product bound: TensorPrimitives.Dot per row, nothing stored", dot, "rows/s", bound);
            Row("scores only: CandidateScores.Compute", compute, "queries/s", compute.Median);
            Row($"non-private top-{k}: Compute + TopK", plain, "queries/s", plain.Median);
            Row($"private top-{k}: Compute + PrivateTopK.Select (crypto source)", @private, "queries/s", @private.Median);
            Row($"private selection alone (crypto source), {k} rounds over {size:N0}", selectOnly, "queries/s", selectOnly.Median);
            Row("private selection alone, seeded source (cost attribution only; not private)", selectSeeded, "queries/s", selectSeeded.Median);
            GC.KeepAlive(sink);
        }

        return 0;
    }

    private static ItemMatrix RandomMatrix(int size, int dimension, ulong seed)
    {
        var random = new SeededRandomSource(seed);
        var matrix = new ItemMatrix(dimension, size);
        var vector = new float[dimension];
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j < dimension; j++)
            {
                vector[j] = BenchmarkNumbers.Gaussian(random); // isotropic: uniform directions after normalisation
            }

            matrix.Add(i.ToString(CultureInfo.InvariantCulture), vector);
        }

        return matrix;
    }

    /// <summary>A realistic user: the EWMA (a = 0.3, weight 1) of 30 catalog items, so its norm is below 1.</summary>
    private static float[] UserVector(ItemMatrix matrix, ulong seed)
    {
        var random = new SeededRandomSource(seed);
        var user = new float[matrix.Dimension];
        for (var i = 0; i < 30; i++)
        {
            TensorPrimitives.Multiply(user, 0.7f, user);
            TensorPrimitives.MultiplyAdd(matrix.Row((int)(random.NextUInt64() % (ulong)matrix.Count)), 0.3f, user, user);
        }

        return user;
    }
}
