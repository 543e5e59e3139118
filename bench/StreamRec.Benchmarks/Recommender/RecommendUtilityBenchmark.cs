using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using StreamRec.Contracts;
using StreamRec.DriftDetector.Detection;
using StreamRec.Evaluation;
using StreamRec.Ingest;
using StreamRec.Recommender.Privacy;
using StreamRec.Recommender.Scoring;
using StreamRec.Replay;
using StreamRec.Storage;

namespace StreamRec.Benchmarks.Recommender;

/// <summary>
/// The offline utility table of issue 16: hit@10, NDCG@10 and catalog coverage, each with its standard
/// error, for a random list, global popularity, content only, the non-private blend of content and
/// per-cluster popularity, strict mode (today's per-release event-level DP top-K) and joint mode (the
/// same blend over a billboard of per-cluster counts released with user-level DP by the binary-tree
/// mechanism). Nothing here runs in the live pipeline: no billboard is built from the stream yet.
/// <para>
/// <b>Split.</b> Per user, ratings in time order (ties by film id): the last is the test item, the one
/// before it the validation item, the rest train. A per-user split, not a global time cut: MovieLens
/// users are active in short bursts years apart, so a global cut leaves most users with nothing on one
/// side of it. The cost, stated: other users' train ratings (the billboard) can be later than a user's
/// test rating. The blend's weight w is chosen on validation (best mean NDCG@10), then reported on test.
/// For validation the user's state is built over train; for test over train and the validation item,
/// which the user has then produced. The billboard counts train ratings only, in both phases.
/// </para>
/// </summary>
internal sealed class RecommendUtilityBenchmark : IBenchmark
{
    private const int K = 10;
    private const ulong Seed = 0x5EED_16;
    private static readonly double[] WeightGrid = [0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

    private static readonly double[] StrictWeightGrid = [0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99];

    public string Name => "recommend-utility";

    public string Summary => "hit@10, NDCG@10, coverage (with SE) on MovieLens, temporal split: random, popularity, content, blend, strict and joint DP";

    public IReadOnlyList<string> Options { get; } =
    [
        MovieLensInputs.ModelOption,
        MovieLensInputs.DataOption,
        "--epsilons X,X    strict: ε per release; joint: billboard ε per day (default 0.5,1,2,4,8)",
        "--draws N         noise draws per DP setting (default 3)",
        "--clusters N      spherical k-means clusters of the film embeddings (default 8)",
        "--max-items N     L, distinct items a user contributes to the billboard per window (default 32)",
        "--steps N         billboard releases per day, the tree's horizon (default 24: hourly)",
        "--bootstrap N     bootstrap resamples of users for the coverage SE (default 200)",
    ];

    public int Run(BenchmarkArguments arguments, TextWriter output)
    {
        var (dataDirectory, modelPath) = MovieLensInputs.Paths(arguments);
        var epsilons = BenchmarkNumbers.GetDoubles(arguments, "epsilons", [0.5, 1, 2, 4, 8]);
        var draws = arguments.GetInt("draws", 3);
        var clusterCount = arguments.GetInt("clusters", 8);
        var maxItems = arguments.GetInt("max-items", 32);
        var steps = arguments.GetInt("steps", 24);
        var bootstrap = arguments.GetInt("bootstrap", 200);
        arguments.ThrowIfUnused();
        MovieLensInputs.RequireModel(modelPath);

        var clock = Stopwatch.StartNew();
        var (dataset, embeddings, dimension, modelVersion, movieIndex) = MovieLensInputs.Load("recommend-utility", dataDirectory, modelPath);
        var films = dataset.Movies.Length;
        var weights = new IngestOptions().EventTypeWeights;
        var histories = dataset.Ratings.GroupBy(r => r.UserId).OrderBy(g => g.Key)
            .Select(g => g.OrderBy(r => r.Timestamp).ThenBy(r => r.MovieId)
                .Select(r => (Movie: movieIndex[r.MovieId], Weight: weights[MovieLensEvents.TypeFor(r.Stars)])).ToArray())
            .Where(h => h.Length >= 3)
            .ToList();

        // The candidates: every film of the public catalog (movies.csv), one ItemMatrix row per film index.
        var matrix = new ItemMatrix(dimension, films);
        for (var film = 0; film < films; film++)
        {
            matrix.Add(film.ToString(CultureInfo.InvariantCulture), embeddings.AsSpan(film * dimension, dimension));
        }

        // Interest clusters: fixed, public centroids from the film embeddings alone (no user data).
        Console.Error.WriteLine($"recommend-utility: spherical k-means, k = {clusterCount}, seed {Seed}");
        var centroids = Centroids(SphericalKMeans.Cluster(new ItemEmbeddings(embeddings, dimension), Enumerable.Range(0, films).ToArray(), clusterCount, Seed), embeddings, dimension);

        Console.Error.WriteLine($"recommend-utility: interest vectors of {histories.Count} users");
        var validation = Phase.Build(histories, trainLength: h => h.Length - 2, matrix, embeddings, dimension, centroids);
        var test = Phase.Build(histories, trainLength: h => h.Length - 1, matrix, embeddings, dimension, centroids);

        // The billboard's input: train ratings only; the user's cluster from their long-horizon vector over train.
        var globalUsers = new double[films];
        var bound = new ContributionBound(maxItems);
        var globalBounded = new long[1][];
        globalBounded[0] = new long[films];
        var clusterCounts = new long[centroids.Length][];
        for (var c = 0; c < centroids.Length; c++)
        {
            clusterCounts[c] = new long[films];
        }

        for (var u = 0; u < histories.Count; u++)
        {
            foreach (var film in histories[u][..^2].Select(e => e.Movie).Distinct())
            {
                globalUsers[film]++;
                if (bound.TryCount(u, film))
                {
                    clusterCounts[validation.Cluster[u]][film]++;
                    globalBounded[0][film]++;
                }
            }
        }

        var exactBillboard = Normalise(matrix, clusterCounts, floor: 0);
        var metrics = new Metrics(films, bootstrap);
        var rows = new List<string>();
        void Report(string method, string privacy, string weight, Measured measured) =>
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {method} | {privacy} | {weight} | {measured.Hit:0.0000} ± {measured.HitError:0.0000} | {measured.Ndcg:0.0000} ± {measured.NdcgError:0.0000} | {measured.Coverage:0.000} ± {measured.CoverageError:0.000} |"));

        Console.Error.WriteLine("recommend-utility: baselines");
        var randomLists = test.Users.Select(u =>
        {
            var random = new SplitMix64(Seed ^ ((ulong)u * SplitMix64.Increment));
            var list = new List<int>(K);
            while (list.Count < K)
            {
                var film = random.NextInt(films);
                if (!test.Seen[u].Contains(film) && !list.Contains(film))
                {
                    list.Add(film);
                }
            }

            return list.ToArray();
        }).ToArray();
        Report("random list", "—", "—", metrics.Measure([randomLists], test.Target));
        var popularityScores = globalUsers.Select(x => (float)x).ToArray();
        Report("global popularity (distinct train users per film)", "none", "—",
            metrics.Measure([test.Users.Select(u => CandidateScores.TopK(popularityScores, K, test.Seen[u])).ToArray()], test.Target));
        Report("content only (s · item)", "none", "—",
            metrics.Measure([test.Users.Select(u => CandidateScores.TopK(test.Similarity[u], K, test.Seen[u])).ToArray()], test.Target));

        Console.Error.WriteLine("recommend-utility: the non-private blend, w chosen on validation");
        var (w, _) = ChooseWeight(validation, exactBillboard, metrics);
        Report($"blend: content + popularity in the user's cluster (k = {centroids.Length}, L = {maxItems})", "none", w.ToString("0.0#", CultureInfo.InvariantCulture),
            metrics.Measure([BlendLists(test, exactBillboard, w)], test.Target));

        foreach (var epsilon in epsilons)
        {
            Console.Error.WriteLine($"recommend-utility: joint mode, billboard ε = {epsilon} per day");
            var lists = new List<int[][]>();
            var chosen = new List<double>();
            var scale = BinaryTreeCounter.NodeScale(steps, epsilon, bound.Sensitivity);
            for (var d = 0; d < draws; d++)
            {
                var noisy = Normalise(matrix, Release(clusterCounts, steps, scale), JointRanker.NoiseFloor(scale, BinaryTreeCounter.LevelsFor(steps)));
                var (wd, _) = ChooseWeight(validation, noisy, metrics);
                chosen.Add(wd);
                lists.Add(BlendLists(test, noisy, wd));
            }

            Report("joint: the blend over the DP billboard", string.Create(CultureInfo.InvariantCulture, $"user-level ε = {epsilon} per day (node scale {scale})"),
                string.Join("/", chosen.Select(x => x.ToString("0.0#", CultureInfo.InvariantCulture))), metrics.Measure(lists, test.Target));
        }

        var delta = ScoreSensitivity.Default;
        var mechanism = new PrivateTopK();
        foreach (var epsilon in epsilons)
        {
            Console.Error.WriteLine($"recommend-utility: strict mode, ε = {epsilon} per release");
            var lists = new List<int[][]>();
            for (var d = 0; d < draws; d++)
            {
                // As shipped: K rows from all candidates, no exclusion in the mechanism; the consumer then drops the
                // films the user has seen (post-processing, free), so a list can be shorter than K.
                lists.Add(test.Users.Select(u => mechanism.Select(test.Similarity[u], K, epsilon, delta, CryptoRandomSource.Shared).Rows
                    .Where(film => !test.Seen[u].Contains(film)).ToArray()).ToArray());
            }

            Report("strict: private top-10 of s · item, seen films filtered by the consumer", string.Create(CultureInfo.InvariantCulture, $"event-level ε = {epsilon} per release"), "—",
                metrics.Measure(lists, test.Target));
        }

        // Strict mode with the billboard's public counts in its score. The user's cluster comes from their own
        // events, which strict mode protects, so only the global (one-cluster) billboard is used: released once
        // with user-level ε = 1 per day like the joint rows, then public to every release at no per-user cost.
        var billboardEpsilon = 1.0;
        var globalScale = BinaryTreeCounter.NodeScale(steps, billboardEpsilon, bound.Sensitivity);
        var globalMax = globalUsers.Max();
        (string Name, float[] Popularity)[] sources =
        [
            ($"strict + global popularity from the billboard (user-level ε = {billboardEpsilon} per day)",
                Normalise(matrix, Release(globalBounded, steps, globalScale), JointRanker.NoiseFloor(globalScale, BinaryTreeCounter.LevelsFor(steps)))[0]),
            ("strict + exact global popularity (a ceiling: these counts are NOT private)", [.. globalUsers.Select(x => (float)(x / globalMax))]),
        ];
        foreach (var (name, popularity) in sources)
        {
            foreach (var epsilon in epsilons)
            {
                Console.Error.WriteLine($"recommend-utility: {name}, ε = {epsilon} per release");
                var (ws, _) = ChooseStrictWeight(validation, popularity, epsilon, mechanism, metrics);
                var lists = new List<int[][]>();
                for (var d = 0; d < draws; d++)
                {
                    lists.Add(StrictBlendLists(test, popularity, ws, epsilon, mechanism));
                }

                Report(name, string.Create(CultureInfo.InvariantCulture, $"event-level ε = {epsilon} per release, Δ = {(1 - ws) * ScoreSensitivity.Default:0.###}"),
                    ws.ToString("0.0#", CultureInfo.InvariantCulture), metrics.Measure(lists, test.Target));
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# Recommendation utility on MovieLens ({histories.Count} users; per-user temporal split: last rating test, the one before validation, the rest train), encoder {modelVersion} (D = {dimension}); candidates: all {films:N0} films minus each user's seen films; K = {K}"));
        output.WriteLine();
        output.WriteLine("| method | privacy | w (validation) | hit@10 ± SE | NDCG@10 ± SE | coverage ± SE |");
        output.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            output.WriteLine(row);
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"SE of hit and NDCG: standard deviation across users / sqrt(users), of each user's mean over the {draws} noise draws (DP rows). Coverage: share of the {films:N0} films in at least one user's top 10 (mean over draws); its SE is the standard deviation over {bootstrap} bootstrap resamples of users (seeded), of the first draw. Joint: counts per (cluster, film) of distinct train users, each user at most L = {maxItems} films (the first in time order), released by the binary-tree mechanism with T = {steps} steps per day, {BinaryTreeCounter.LevelsFor(steps)} levels, discrete Laplace node scale ceil(L·levels/ε) (CSPRNG), the release at step T; p = (count - floor)⁺ / (largest - floor), floor = 3 x 2 x scale x sqrt(levels), as the Recommender computes it. w chosen per draw on validation with the released billboard. Strict: Δ = {delta:0.##}, peeling report-noisy-max with ε/K per round, no exclusion in the mechanism. Strict + popularity: score (1 - w) s·item + w (2p - 1), p the normalised global popularity (public to the release), Δ = (1 - w)·{delta:0.##}, w from {{{string.Join(", ", StrictWeightGrid)}}} chosen on validation with one noise draw; the billboard's ε is paid once per day for all users, not per release. Billboard: users per cluster {string.Join("/", Enumerable.Range(0, centroids.Length).Select(c => validation.Cluster.Count(x => x == c)))}, largest count per cluster {string.Join("/", clusterCounts.Select(c => c.Max()))}, largest global bounded count {globalBounded[0].Max()}. Finished in {clock.Elapsed.TotalSeconds:0} s."));
        return 0;
    }

    /// <summary>
    /// Joint mode's blend as the Recommender computes it (<see cref="JointRanker"/>): (1 - w)(cos(s, item) + 1)/2 +
    /// w·popularity of the item in the user's cluster (normalised to [0, 1]). The cosine, not s·item, so that the
    /// w chosen here is the w that means the same thing live.
    /// </summary>
    private static int[][] BlendLists(Phase phase, float[][] billboard, double w)
    {
        var scores = new float[billboard[0].Length];
        return phase.Users.Select(u =>
        {
            var similarity = phase.Similarity[u];
            var norm = phase.Norm[u];
            var popularity = billboard[phase.Cluster[u]];
            for (var i = 0; i < scores.Length; i++)
            {
                var cosine = norm > 0 ? Math.Clamp(similarity[i] / norm, -1, 1) : 0;
                scores[i] = (float)(((1 - w) * (cosine + 1) / 2) + (w * popularity[i]));
            }

            return CandidateScores.TopK(scores, K, phase.Seen[u]);
        }).ToArray();
    }

    /// <summary>
    /// Strict mode's score (1 - w) s·item + w (2 p - 1), in [-1, 1], with p the public popularity: one event moves
    /// it by at most (1 - w) Δ, the sensitivity the mechanism is given (so w = 1 is excluded: it would ignore the user).
    /// </summary>
    private static int[][] StrictBlendLists(Phase phase, float[] popularity, double w, double epsilon, PrivateTopK mechanism)
    {
        var scores = new float[popularity.Length];
        return phase.Users.Select(u =>
        {
            var similarity = phase.Similarity[u];
            for (var i = 0; i < scores.Length; i++)
            {
                scores[i] = (float)Math.Clamp(((1 - w) * similarity[i]) + (w * ((2 * popularity[i]) - 1)), -1, 1);
            }

            return mechanism.Select(scores, K, epsilon, (1 - w) * ScoreSensitivity.Default, CryptoRandomSource.Shared).Rows
                .Where(film => !phase.Seen[u].Contains(film)).ToArray();
        }).ToArray();
    }

    /// <summary>w for strict mode from <see cref="StrictWeightGrid"/>, by NDCG@10 on validation with one noise draw.</summary>
    private static (double Weight, double Ndcg) ChooseStrictWeight(Phase validation, float[] popularity, double epsilon, PrivateTopK mechanism, Metrics metrics)
    {
        var best = (Weight: double.NaN, Ndcg: double.NegativeInfinity);
        foreach (var w in StrictWeightGrid)
        {
            var ndcg = metrics.MeanNdcg(StrictBlendLists(validation, popularity, w, epsilon, mechanism), validation.Target);
            if (ndcg > best.Ndcg)
            {
                best = (w, ndcg);
            }
        }

        return best;
    }

    private static (double Weight, double Ndcg) ChooseWeight(Phase validation, float[][] billboard, Metrics metrics)
    {
        var best = (Weight: double.NaN, Ndcg: double.NegativeInfinity);
        foreach (var w in WeightGrid)
        {
            var ndcg = metrics.MeanNdcg(BlendLists(validation, billboard, w), validation.Target);
            if (ndcg > best.Ndcg)
            {
                best = (w, ndcg);
            }
        }

        return best;
    }

    /// <summary>Each count through its own binary-tree counter; the increments all arrive by the last step, whose release is kept.</summary>
    private static long[][] Release(long[][] counts, int steps, long scale)
    {
        return counts.Select(cluster => cluster.Select(count =>
        {
            var counter = new BinaryTreeCounter(steps, scale, CryptoRandomSource.Shared);
            long released = 0;
            for (var step = 1; step <= steps; step++)
            {
                released = counter.Add(step == steps ? count : 0);
            }

            return released;
        }).ToArray()).ToArray();
    }

    /// <summary>Per cluster, p as the Recommender computes it (<see cref="JointRanker.Popularity"/>): counts above the noise floor, over the largest.</summary>
    private static float[][] Normalise(ItemMatrix matrix, long[][] counts, double floor)
    {
        var films = Enumerable.Range(0, matrix.Count).Select(film => film.ToString(CultureInfo.InvariantCulture)).ToArray();
        return [.. counts.Select(cluster => JointRanker.Popularity(matrix, films, cluster, floor))];
    }

    private static float[][] Centroids(List<int[]> clusters, float[] embeddings, int dimension) =>
        [.. clusters.Select(members =>
        {
            var centroid = new float[dimension];
            foreach (var film in members)
            {
                for (var d = 0; d < dimension; d++)
                {
                    centroid[d] += embeddings[(film * dimension) + d];
                }
            }

            var norm = (float)Math.Sqrt(centroid.Sum(x => x * x));
            return centroid.Select(x => x / norm).ToArray();
        })];

    /// <summary>One evaluation phase: per user, the state after their history up to the held-out item.</summary>
    private sealed class Phase
    {
        public required int[] Users { get; init; }

        public required float[][] Similarity { get; init; }

        /// <summary>||s|| per user: <see cref="Similarity"/> over it is the cosine.</summary>
        public required float[] Norm { get; init; }

        public required int[] Cluster { get; init; }

        public required HashSet<int>[] Seen { get; init; }

        public required int[] Target { get; init; }

        public static Phase Build(List<(int Movie, float Weight)[]> histories, Func<(int Movie, float Weight)[], int> trainLength, ItemMatrix matrix, float[] embeddings, int dimension, float[][] centroids)
        {
            var count = histories.Count;
            var similarity = new float[count][];
            var norm = new float[count];
            var cluster = new int[count];
            var seen = new HashSet<int>[count];
            var target = new int[count];
            for (var u = 0; u < count; u++)
            {
                var history = histories[u];
                var known = history[..trainLength(history)];
                var state = Replay(known, embeddings, dimension);
                similarity[u] = new float[matrix.Count];
                CandidateScores.Compute(matrix, state.Short, similarity[u]);
                norm[u] = TensorPrimitives.Norm(state.Short);
                cluster[u] = Nearest(centroids, state.Long);
                seen[u] = known.Select(e => e.Movie).ToHashSet();
                target[u] = history[known.Length].Movie;
            }

            return new Phase { Users = [.. Enumerable.Range(0, count)], Similarity = similarity, Norm = norm, Cluster = cluster, Seen = seen, Target = target };
        }

        /// <summary>The DriftDetector's own update over the events (a_s = 0.3, a_l = 0.03, as privacy-utility).</summary>
        private static UserDriftState Replay((int Movie, float Weight)[] events, float[] embeddings, int dimension)
        {
            var parameters = new DriftParameters { ShortRate = (float)ScoreSensitivity.ShortRate, LongRate = (float)ScoreSensitivity.ShortRate / 10 };
            var detector = new InterestDriftDetector(parameters);
            var state = UserDriftState.New(dimension, parameters);
            foreach (var (movie, weight) in events)
            {
                detector.Apply(state, embeddings.AsSpan(movie * dimension, dimension), weight);
            }

            return state;
        }

        private static int Nearest(float[][] centroids, float[] vector)
        {
            var best = 0;
            var bestDot = double.NegativeInfinity;
            for (var c = 0; c < centroids.Length; c++)
            {
                double dot = 0;
                for (var d = 0; d < vector.Length; d++)
                {
                    dot += centroids[c][d] * vector[d];
                }

                if (dot > bestDot)
                {
                    (best, bestDot) = (c, dot);
                }
            }

            return best;
        }
    }

    private sealed record Measured(double Hit, double HitError, double Ndcg, double NdcgError, double Coverage, double CoverageError);

    /// <summary>hit@10, NDCG@10 (one held-out item: 1/log2(rank + 1) when in the top 10) and coverage, with standard errors.</summary>
    private sealed class Metrics(int films, int bootstrap)
    {
        public double MeanNdcg(int[][] lists, int[] target) => lists.Select((list, u) => Ndcg(list, target[u])).Average();

        /// <summary>Per-user metrics averaged over the draws, then mean and SE across users; coverage SE by bootstrap over users (first draw).</summary>
        public Measured Measure(IReadOnlyList<int[][]> draws, int[] target)
        {
            var users = target.Length;
            var hit = new double[users];
            var ndcg = new double[users];
            foreach (var lists in draws)
            {
                for (var u = 0; u < users; u++)
                {
                    hit[u] += lists[u].Contains(target[u]) ? 1.0 / draws.Count : 0;
                    ndcg[u] += Ndcg(lists[u], target[u]) / draws.Count;
                }
            }

            var coverage = draws.Average(lists => Coverage(lists, Enumerable.Range(0, users)));
            var random = new SplitMix64(Seed);
            var resampled = new double[bootstrap];
            for (var b = 0; b < bootstrap; b++)
            {
                var sample = new int[users];
                for (var i = 0; i < users; i++)
                {
                    sample[i] = random.NextInt(users);
                }

                resampled[b] = Coverage(draws[0], sample);
            }

            return new Measured(hit.Average(), StandardError(hit), ndcg.Average(), StandardError(ndcg), coverage, StandardDeviation(resampled));
        }

        private static double Ndcg(int[] list, int target)
        {
            var rank = Array.IndexOf(list, target);
            return rank < 0 || rank >= K ? 0 : 1 / Math.Log2(rank + 2);
        }

        private double Coverage(int[][] lists, IEnumerable<int> users) =>
            (double)users.SelectMany(u => lists[u]).Distinct().Count() / films;

        private static double StandardError(double[] values) => StandardDeviation(values) / Math.Sqrt(values.Length);

        private static double StandardDeviation(double[] values)
        {
            var mean = values.Average();
            return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
        }
    }
}
