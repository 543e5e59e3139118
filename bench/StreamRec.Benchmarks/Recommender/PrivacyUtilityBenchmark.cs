using System.Diagnostics;
using System.Globalization;
using StreamRec.Datasets;
using StreamRec.DriftDetector.Detection;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Features;
using StreamRec.Ingest;
using StreamRec.Recommender.Privacy;
using StreamRec.Recommender.Scoring;
using StreamRec.Replay;
using StreamRec.Storage;

namespace StreamRec.Benchmarks.Recommender;

/// <summary>
/// What differential privacy costs the recommendations, on real MovieLens users with the trained encoder.
/// Per user: the interest vector s is built with the DriftDetector's own update rule (a_s = 0.3; weights
/// from the star rating as an event type, Ingest's default weights) over the history up to the split,
/// all ratings but the last in time order; the last one is the held-out next item. Candidates: films with
/// at least --min-ratings ratings (catalog popularity, treated as public; see docs/privacy.md). For each
/// epsilon per release and each variant (a utility lever), averaged over users and --repetitions draws
/// of the noise: overlap@K = |private top-K ∩ noiseless top-K|/K, and hit@K of the held-out film for the
/// private and the noiseless list, next to a uniformly random list (what epsilon -> 0 tends to).
/// </summary>
internal sealed class PrivacyUtilityBenchmark : IBenchmark
{
    public string Name => "privacy-utility";

    public string Summary => "overlap@K and hit@K of private vs noiseless top-K on MovieLens users, per epsilon and per utility lever";

    public IReadOnlyList<string> Options { get; } =
    [
        MovieLensInputs.ModelOption,
        MovieLensInputs.DataOption,
        "--epsilons X,X    epsilon per release (default 0.5,1,2,4,8)",
        "--repetitions N   draws of the noise per user and setting (default 3)",
        "--min-ratings N   a film is a candidate with at least this many ratings (default 5)",
    ];

    public int Run(BenchmarkArguments arguments, TextWriter output)
    {
        var (dataDirectory, modelPath) = MovieLensInputs.Paths(arguments);
        var epsilons = BenchmarkNumbers.GetDoubles(arguments, "epsilons", [0.5, 1, 2, 4, 8]);
        var repetitions = arguments.GetInt("repetitions", 3);
        var minRatings = arguments.GetInt("min-ratings", 5);
        arguments.ThrowIfUnused();
        MovieLensInputs.RequireModel(modelPath);

        var clock = Stopwatch.StartNew();
        var (dataset, embeddings, dimension, modelVersion, movieIndex) = MovieLensInputs.Load("privacy-utility", dataDirectory, modelPath);
        var ratingCounts = new int[dataset.Movies.Length];
        foreach (var rating in dataset.Ratings)
        {
            ratingCounts[movieIndex[rating.MovieId]]++;
        }

        var weights = new IngestOptions().EventTypeWeights;
        var users = dataset.Ratings.GroupBy(r => r.UserId).OrderBy(g => g.Key)
            .Select(g => g.OrderBy(r => r.Timestamp).ThenBy(r => r.MovieId)
                .Select(r => (Movie: movieIndex[r.MovieId], Weight: weights[MovieLensEvents.TypeFor(r.Stars)])).ToArray())
            .Where(h => h.Length >= 2)
            .ToList();

        // Candidate sets by public popularity: every film with >= minRatings ratings, and the N most rated.
        var byPopularity = Enumerable.Range(0, dataset.Movies.Length).Where(i => ratingCounts[i] >= minRatings)
            .OrderByDescending(i => ratingCounts[i]).ThenBy(i => i).ToArray();
        var candidateSets = new Dictionary<int, Candidates>();
        Candidates CandidatesFor(int top) => candidateSets.TryGetValue(top, out var c) ? c
            : candidateSets[top] = new Candidates(byPopularity.Take(top).Order().ToArray(), embeddings, dimension);

        var delta = ScoreSensitivity.Default;
        Variant[] variants =
        [
            new("default: all candidates, K = 10, the set only", 0.3, 10, int.MaxValue, Exclude: false, SelectShare: 1),
            new("exclusion of already-rated films ON (NOT covered by the guarantee as computed)", 0.3, 10, int.MaxValue, Exclude: true, SelectShare: 1),
            new("set + scores, ε split 1:1 (selection gets ε/2)", 0.3, 10, int.MaxValue, Exclude: false, SelectShare: 0.5),
            new("candidates: the 500 most-rated films", 0.3, 10, 500, Exclude: false, SelectShare: 1),
            new("candidates: the 100 most-rated films", 0.3, 10, 100, Exclude: false, SelectShare: 1),
            new("K = 3", 0.3, 3, int.MaxValue, Exclude: false, SelectShare: 1),
            new("released from a slower EWMA, a = 0.1 (Δ = 0.2)", 0.1, 10, int.MaxValue, Exclude: false, SelectShare: 1),
            new("released from a slower EWMA, a = 0.03 (Δ = 0.06)", 0.03, 10, int.MaxValue, Exclude: false, SelectShare: 1),
            new("a = 0.03 and the 500 most-rated films", 0.03, 10, 500, Exclude: false, SelectShare: 1),
            new("genre level: private top genre (K = 1 of the genres), then its 10 most-rated films (public post-processing)", 0.3, 10, int.MaxValue, Exclude: false, SelectShare: 1) { ByGenre = true },
            new("default at larger ε, to show where utility appears", 0.3, 10, int.MaxValue, Exclude: false, SelectShare: 1) { Epsilons = [16, 64, 256, 1024] },
        ];

        var genres = new Genres(dataset, CandidatesFor(int.MaxValue), byPopularity, embeddings, dimension);
        var vectors = new Dictionary<double, float[][]>();
        foreach (var rate in variants.Select(v => v.Rate).Distinct())
        {
            vectors[rate] = [.. users.Select(h => InterestVector(h, embeddings, dimension, rate))];
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# Privacy vs utility on MovieLens ({users.Count} users, split: all ratings but the last in time order; held-out = the last), encoder {modelVersion} (D = {dimension}); candidates: {byPopularity.Length:N0} films with >= {minRatings} ratings; {repetitions} noise draws per user; peeling report-noisy-max, ε/K per round, Δ = 2 a w_max (w_max = 1), CryptoRandomSource"));
        output.WriteLine("| variant | K | candidates | Δ | ε per release | ε select | overlap@K | hit@K private | hit@K noiseless | hit@K uniform random |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var variant in variants)
        {
            Console.Error.WriteLine($"privacy-utility: {variant.Name}");
            var candidates = CandidatesFor(variant.TopPopular);
            var variantDelta = ScoreSensitivity.ForEwma(variant.Rate, ScoreSensitivity.MaxWeight);
            var variantEpsilons = variant.Epsilons ?? epsilons;
            var perUser = variant.ByGenre
                ? users.Select((history, u) => EvaluateByGenre(history, vectors[variant.Rate][u], genres, variant, variantDelta, variantEpsilons, repetitions)).ToArray()
                : users.Select((history, u) => Evaluate(history, vectors[variant.Rate][u], candidates, variant, variantDelta, variantEpsilons, repetitions)).ToArray();
            var noiseless = perUser.Average(r => r.NoiselessHit);
            var random = perUser.Average(r => r.RandomHit);
            var candidateText = variant.ByGenre ? $"{genres.Matrix.Count} genres" : candidates.Count.ToString("N0", CultureInfo.InvariantCulture);
            for (var e = 0; e < variantEpsilons.Length; e++)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {variant.Name} | {variant.K} | {candidateText} | {variantDelta:0.##} | {variantEpsilons[e]} | {variantEpsilons[e] * variant.SelectShare} | {perUser.Average(r => r.Overlap[e]):0.000} | {perUser.Average(r => r.PrivateHit[e]):0.000} | {noiseless:0.000} | {random:0.000} |"));
            }
        }

        output.WriteLine();
        output.WriteLine("Scores released with the set (the \"set + scores\" variant): discrete Laplace on the grid, scale K (Δ + g)/ε_scores, ε_scores = ε/2:");
        output.WriteLine();
        output.WriteLine("| ε per release | ε scores | noise scale (grid units) | noise standard deviation (score units; scores lie in [-1, 1]) |");
        output.WriteLine("|---:|---:|---:|---:|");
        foreach (var epsilon in epsilons)
        {
            var scale = LaplaceRelease.NoiseScaleUnits(10, epsilon / 2, delta);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {epsilon} | {epsilon / 2} | {scale:N0} | {Math.Sqrt(DiscreteLaplace.Variance(scale)) * ScoreGrid.Unit(delta):0.00} |"));
        }

        var heldOutCandidates = users.Count(h => CandidatesFor(int.MaxValue).RowOf.ContainsKey(h[^1].Movie));
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"hit@K is over all {users.Count} users (a held-out film outside the candidates is a miss); the held-out film is a candidate for {heldOutCandidates} of them with all candidates, {users.Count(h => CandidatesFor(500).RowOf.ContainsKey(h[^1].Movie))} with the 500 most rated, {users.Count(h => CandidatesFor(100).RowOf.ContainsKey(h[^1].Movie))} with the 100 most rated. Standard error of a hit rate near 0.05 over {users.Count} users: about {Math.Sqrt(0.05 * 0.95 / users.Count):0.000}. Finished in {clock.Elapsed.TotalSeconds:0} s."));
        return 0;
    }

    private static UserResult Evaluate((int Movie, float Weight)[] history, float[] vector, Candidates candidates, Variant variant, double delta, double[] epsilons, int repetitions)
    {
        var heldOut = candidates.RowOf.GetValueOrDefault(history[^1].Movie, -1);
        IReadOnlySet<int>? excluded = null;
        if (variant.Exclude)
        {
            excluded = history[..^1].Select(e => candidates.RowOf.GetValueOrDefault(e.Movie, -1)).Where(r => r >= 0).ToHashSet();
        }

        var scores = new float[candidates.Count];
        CandidateScores.Compute(candidates.Matrix, vector, scores);
        var noiseless = CandidateScores.TopK(scores, variant.K, excluded);
        var available = candidates.Count - (excluded?.Count ?? 0);
        var randomHit = heldOut >= 0 && !(excluded?.Contains(heldOut) ?? false) ? Math.Min(1.0, (double)variant.K / available) : 0;
        var mechanism = new PrivateTopK();
        var overlap = new double[epsilons.Length];
        var hits = new double[epsilons.Length];
        for (var e = 0; e < epsilons.Length; e++)
        {
            for (var r = 0; r < repetitions; r++)
            {
                var rows = mechanism.Select(scores, variant.K, epsilons[e] * variant.SelectShare, delta, CryptoRandomSource.Shared, excluded).Rows;
                overlap[e] += (double)rows.Intersect(noiseless).Count() / variant.K;
                hits[e] += rows.Contains(heldOut) ? 1 : 0;
            }

            overlap[e] /= repetitions;
            hits[e] /= repetitions;
        }

        return new UserResult(overlap, hits, noiseless.Contains(heldOut) ? 1 : 0, randomHit);
    }

    /// <summary>
    /// The coarser release: the user's top genre chosen privately (one round over the genre centroids, unit
    /// vectors, so Δ is unchanged), then that genre's most-rated films, a public function of the chosen
    /// genre (post-processing: free). The noiseless counterpart picks the top genre exactly.
    /// </summary>
    private static UserResult EvaluateByGenre((int Movie, float Weight)[] history, float[] vector, Genres genres, Variant variant, double delta, double[] epsilons, int repetitions)
    {
        var heldOut = history[^1].Movie;
        var scores = new float[genres.Matrix.Count];
        CandidateScores.Compute(genres.Matrix, vector, scores);
        var noiseless = genres.TopFilms[CandidateScores.TopK(scores, 1)[0]].Take(variant.K).ToArray();
        var randomHit = genres.TopFilms.Average(films => films.Take(variant.K).Contains(heldOut) ? 1.0 : 0);
        var mechanism = new PrivateTopK();
        var overlap = new double[epsilons.Length];
        var hits = new double[epsilons.Length];
        for (var e = 0; e < epsilons.Length; e++)
        {
            for (var r = 0; r < repetitions; r++)
            {
                var genre = mechanism.Select(scores, 1, epsilons[e], delta, CryptoRandomSource.Shared).Rows[0];
                var films = genres.TopFilms[genre].Take(variant.K).ToArray();
                overlap[e] += (double)films.Intersect(noiseless).Count() / variant.K;
                hits[e] += films.Contains(heldOut) ? 1 : 0;
            }

            overlap[e] /= repetitions;
            hits[e] /= repetitions;
        }

        return new UserResult(overlap, hits, noiseless.Contains(heldOut) ? 1 : 0, randomHit);
    }

    /// <summary>s after the history up to the split, by the DriftDetector's own update (its other state is irrelevant here).</summary>
    private static float[] InterestVector((int Movie, float Weight)[] history, float[] embeddings, int dimension, double rate)
    {
        var parameters = new DriftParameters { ShortRate = (float)rate, LongRate = (float)rate / 10 };
        var detector = new InterestDriftDetector(parameters);
        var state = UserDriftState.New(dimension, parameters);
        foreach (var (movie, weight) in history[..^1])
        {
            detector.Apply(state, embeddings.AsSpan(movie * dimension, dimension), weight);
        }

        return state.Short;
    }

    internal static (float[] Values, int Dimension, string ModelVersion) Embed(MovieLensDataset dataset, string modelPath)
    {
        // The attributes replayed events carry (id, "Title (year)", genres): each film gets the vector the embedder gives it.
        using var service = EmbeddingService.Load(new EmbedderOptions { ModelPath = modelPath, CacheCapacity = 0 });
        var movies = dataset.Movies.Select(m => new ItemAttributes(m.Id.ToString(CultureInfo.InvariantCulture), m.DisplayTitle, m.Genres)).ToList();
        var values = new float[movies.Count * service.Dimension];
        service.Embed(movies, values);
        return (values, service.Dimension, service.ModelVersion);
    }

    private sealed record Variant(string Name, double Rate, int K, int TopPopular, bool Exclude, double SelectShare)
    {
        /// <summary>Epsilons of this variant, when not the run's.</summary>
        public double[]? Epsilons { get; init; }

        public bool ByGenre { get; init; }
    }

    /// <summary>
    /// Public genre structure of the candidates: per genre, the normalised mean of its candidate films'
    /// vectors (an item-side aggregate, not user data) and its films by number of ratings.
    /// </summary>
    private sealed class Genres
    {
        public Genres(MovieLensDataset dataset, Candidates candidates, int[] byPopularity, float[] embeddings, int dimension)
        {
            var names = byPopularity.SelectMany(i => dataset.Movies[i].Genres).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            Matrix = new ItemMatrix(dimension, names.Length);
            foreach (var name in names)
            {
                var films = byPopularity.Where(i => dataset.Movies[i].Genres.Contains(name, StringComparer.Ordinal)).ToArray();
                var centroid = new float[dimension];
                foreach (var film in films)
                {
                    for (var d = 0; d < dimension; d++)
                    {
                        centroid[d] += embeddings[(film * dimension) + d];
                    }
                }

                if (centroid.All(x => x == 0) || !films.Any(candidates.RowOf.ContainsKey))
                {
                    continue;
                }

                Matrix.Add(name, centroid);
                TopFilms.Add(films); // byPopularity order: most rated first
            }
        }

        public ItemMatrix Matrix { get; }

        public List<int[]> TopFilms { get; } = [];
    }

    private sealed record UserResult(double[] Overlap, double[] PrivateHit, double NoiselessHit, double RandomHit);

    /// <summary>A candidate set as an ItemMatrix, with the film index to row map.</summary>
    private sealed class Candidates
    {
        public Candidates(int[] films, float[] embeddings, int dimension)
        {
            Matrix = new ItemMatrix(dimension, films.Length);
            foreach (var film in films)
            {
                RowOf[film] = Matrix.Add(film.ToString(CultureInfo.InvariantCulture), embeddings.AsSpan(film * dimension, dimension));
            }
        }

        public ItemMatrix Matrix { get; }

        public Dictionary<int, int> RowOf { get; } = [];

        public int Count => Matrix.Count;
    }
}
