using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using StreamRec.Datasets;
using StreamRec.DriftDetector.Detection;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Features;
using StreamRec.Evaluation;
using StreamRec.Ingest;
using StreamRec.Replay;
using StreamRec.Replay.Terminal;
using StreamRec.Training;

namespace StreamRec.Cli.Commands;

/// <summary>
/// <c>streamrec eval</c>: the drift detector against ground truth (DESIGN.md, quality bars), next to the
/// naive consecutive-change rule, Page-Hinkley, ADWIN, KSWIN and BOCPD, on synthetic users drawing real
/// MovieLens films from interest clusters and on spliced MovieLens histories. Prints the table; writes an HTML report with
/// the plots. The evaluation itself lives in <c>StreamRec.Evaluation</c>.
/// </summary>
public static class EvalCommand
{
    /// <summary>Where the report goes without --report: under artifacts/, which git ignores.</summary>
    public static readonly string DefaultReport = Path.Combine("artifacts", "drift-eval.html");

    /// <summary>Films with fewer ratings stay out of the synthetic clusters: their vectors are mostly genre and decade (see docs/encoder.md).</summary>
    private const int MinRatingsForClusters = 10;

    public static Command Create()
    {
        var data = ReplayCommand.DataOption();
        var model = new Option<FileInfo?>("--model")
        {
            Description = "Encoder ONNX file. Default: data/models/encoder.onnx next to the data set, trained first (about 10 s) when missing.",
        };
        var report = new Option<FileInfo>("--report")
        {
            Description = $"Where to write the HTML report (one file, plots inline). Default: {DefaultReport} under the current directory.",
            DefaultValueFactory = _ => new FileInfo(DefaultReport),
        };
        var seed = new Option<ulong>("--seed") { Description = "Seed of every random choice (streams, splits, clusters): the same seed gives the same report.", DefaultValueFactory = _ => 1 };
        // The lower bounds keep every split non-empty and leave room for the synthetic switches
        // (segments of at least 100 events; up to 4 segments of up to 3 clusters never used before).
        var users = AtLeast("--users", 4, "Synthetic users, both splits together (half of them switch). Default 400 (--quick: 80).");
        var events = AtLeast("--events", 2 * new SyntheticStreamOptions().MinSegment, "Events per synthetic user. Default 1000 (--quick: 500).");
        var realUsers = AtLeast("--real-users", 4, "MovieLens users taken (seeded choice), both splits together. Default: all 671 (--quick: 160).");
        var maxDelay = AtLeast("--max-delay", 1, "Longest delay, in events of the new interest, that still counts as detecting a change. Default 30.");
        var clusters = AtLeast("--clusters", 12, "Interest clusters (k-means on the film embeddings) the synthetic users draw from. Default 20.");
        var quick = new Option<bool>("--quick") { Description = "A CI-sized run (under 15 s): fewer users, events and thresholds." };

        var command = new Command("eval",
            """
            Evaluate the drift detector against ground truth, side by side with baselines on the same
            streams: StreamRec's CUSUM on the self-normalised drift, the naive rule (threshold on
            ||s_t - s_t-1||), Page-Hinkley, ADWIN and KSWIN on d_t = 1 - cos(s, l), and BOCPD on
            cos(e_t, l_t-1), all with StreamRec's interest vectors, warm-up and cool-down; and StreamRec with
            the fixed threshold it had before its threshold grew with a user's events.
              1. Synthetic: users drawing real MovieLens films (embedded by the encoder) from 1-3 interest
                 clusters, half of them switching to unused clusters at known positions.
              2. MovieLens splices: user A's history up to a point, then user B's (a true change), and
                 every user's own history (alarms there count as false).
              3. MovieLens families: the splices read per genre distance of the pair, dissimilar pairs,
                 gradual drift (B's share ramps up over 20-100 events), returning interest (A -> B -> A)
                 and an added interest (A -> A+B). Per family, each detector's recall against false
                 alarms on the unspliced users, at budgets of 0.1-2 per 1,000 events chosen on
                 calibration (overall and in every history-length stratum), with bootstrap intervals,
                 and StreamRec's targets, met or missed.
              4. Encoder separability: per test splice, how well the encoder's vectors (all features, the
                 id alone, the content alone, the genres alone) tell A's recent events from B's (AUC).
            Users are split in two by --seed: each detector's setting (threshold, and StreamRec's k or
            Page-Hinkley's delta) is the one with the best F1 on the calibration half; the table shows
            the other half, next to StreamRec at its shipped defaults. Prints the tables and writes an
            HTML report with delay/false-alarm curves, each family's curves and example timelines.
            Without --quick, `streamrec eval` takes about 95 s on 2 cores.

            Examples:
              streamrec eval --quick                                                  # CI-sized, under 15 s
              streamrec eval --quick --seed 2 --max-delay 50 --report /tmp/drift-eval.html
            """)
        {
            data, model, report, seed, users, events, realUsers, maxDelay, clusters, quick,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var isQuick = parse.GetValue(quick);
            var settings = new EvalSettings(
                Seed: parse.GetValue(seed),
                SyntheticUsers: parse.GetValue(users) ?? (isQuick ? 80 : 400),
                EventsPerUser: parse.GetValue(events) ?? (isQuick ? 500 : 1000),
                RealUsers: parse.GetValue(realUsers) ?? (isQuick ? 160 : int.MaxValue),
                MaxDelay: parse.GetValue(maxDelay) ?? 30,
                Clusters: parse.GetValue(clusters) ?? 20,
                ThresholdsPerSweep: isQuick ? 12 : 32,
                Quick: isQuick);
            var dataDirectory = parse.GetValue(data)?.FullName ?? MovieLensDirectory.Resolve();
            var modelPath = parse.GetValue(model)?.FullName ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dataDirectory))!, "models", "encoder.onnx");
            return Task.FromResult(Run(dataDirectory, modelPath, parse.GetValue(report)!.FullName, settings, cancellationToken));
        });
        return command;
    }

    private static int Run(string dataDirectory, string modelPath, string reportPath, EvalSettings settings, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var dataset = MovieLensDataset.Load(dataDirectory);
        if (!File.Exists(modelPath))
        {
            Console.WriteLine($"eval: no encoder at {modelPath}; training one on the whole data set first.");
            TrainEncoderCommand.Run(dataDirectory, modelPath, new EncoderTrainingOptions { HoldoutFraction = 0 }, null, cancellationToken);
        }

        using var encoder = EmbeddingService.Load(new EmbedderOptions { ModelPath = modelPath, CacheCapacity = 0 });
        var items = EmbedMovies(encoder, dataset, AllFeatures);
        var parameters = new DriftParameters();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"eval: {dataset.Movies.Length:N0} films embedded (D={items.Dimension}); seed {settings.Seed}; StreamRec defaults k={parameters.CusumSlack} h={parameters.CusumThreshold}, warm-up {parameters.WarmUpEvents}, cool-down {parameters.CooldownEvents}, a_s={parameters.ShortRate} a_l={parameters.LongRate}"));

        var weightOf = new IngestOptions().EventTypeWeights;
        float Weight(Rating rating) => weightOf[MovieLensEvents.TypeFor(rating.Stars)];
        var sweeps = DetectorSweeps.Standard(parameters, items.Dimension, settings.ThresholdsPerSweep);
        var defaults = DetectorSweeps.Defaults(parameters, items.Dimension);

        var (synthetic, clusters) = Synthetic(dataset, items, [.. dataset.Ratings.Select(Weight)], settings, sweeps, defaults, cancellationToken);
        var (real, controls, splices, curves) = Real(dataset, Weight, items, settings, sweeps, defaults, cancellationToken);

        Console.WriteLine();
        Console.WriteLine("StreamRec drift evaluation: every figure is measured on the test split, at the setting chosen on the calibration split (users split in two by the seed)");
        foreach (var result in new[] { synthetic, real })
        {
            // The per-k study behind the defaults is in the report only: the terminal keeps to the comparison.
            foreach (var line in ResultTable.Lines(result, [GroundTruthEvaluation.BestF1, GroundTruthEvaluation.WithinBudget, GroundTruthEvaluation.Defaults]))
            {
                Console.WriteLine(line);
            }

            Console.WriteLine();
        }

        // False alarms grow with the length of a history, which the overall rate hides: the same rows, per length stratum.
        var historyLengths = HistoryLengthStrata.Measure(
            [.. real.Selected.Where(s => s.Selection is GroundTruthEvaluation.BestF1 or GroundTruthEvaluation.Defaults)],
            controls, items, settings.MaxDelay, settings.Seed, settings.Quick ? 200 : 1000);
        foreach (var line in HistoryLengthTable.Lines(historyLengths))
        {
            Console.WriteLine(line);
        }

        Console.WriteLine();
        foreach (var line in CurveSummary.Lines(curves).Append("").Concat(CurveSummary.Targets(curves)))
        {
            Console.WriteLine(line);
        }

        Console.WriteLine();
        var separability = Separability(encoder, dataset, items, splices, settings);
        foreach (var line in EncoderSeparabilityTable.Lines(separability))
        {
            Console.WriteLine(line);
        }

        Console.WriteLine();
        DriftEvaluationReport.Write(reportPath, "StreamRec drift evaluation", Notes(settings, parameters, clusters), [synthetic, real], historyLengths, curves, separability);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"eval: report written to {reportPath}; finished in {clock.Elapsed.TotalSeconds:0.0} s"));
        return 0;
    }

    private static List<string> Notes(EvalSettings settings, DriftParameters p, List<ItemCluster> clusters) =>
    [
        string.Create(CultureInfo.InvariantCulture,
            $"streamrec eval{(settings.Quick ? " --quick" : "")}: seed {settings.Seed}, {settings.SyntheticUsers} synthetic users of {settings.EventsPerUser} events, {(settings.RealUsers == int.MaxValue ? "all" : settings.RealUsers.ToString(CultureInfo.InvariantCulture))} MovieLens users, max delay {settings.MaxDelay} events, {settings.ThresholdsPerSweep} thresholds per setting. Event weights: MovieLens stars as event types (4.5-5 purchase, 3.5-4 add_to_cart, 2.5-3 click, else view) with Ingest's default weights 1, 0.75, 0.5, 0.25."),
        string.Create(CultureInfo.InvariantCulture,
            $"Detectors, on the same streams, all with StreamRec's interest vectors (a_s={p.ShortRate}, a_l={p.LongRate}), warm-up ({p.WarmUpEvents} events) and cool-down ({p.CooldownEvents} events): StreamRec's CUSUM on the self-normalised drift z (InterestDriftDetector, unchanged; k and h swept); the naive rule, an alarm when ||s_t - s_t-1|| exceeds tau; Page-Hinkley on d_t = 1 - cos(s, l) as the detector computes it (delta and lambda swept; it adopts l <- s on an alarm as StreamRec does and keeps its running mean, see PageHinkleyDetector); ADWIN and KSWIN on the same d with river's defaults (delta, alpha swept; an alarm only on an increase of d; see AdwinDetector, KswinDetector); BOCPD (Adams and MacKay) on cos(e_t, l_t-1) with a Normal-Gamma model and hazard 1/250 (theta on P(change within 5 events) swept; an alarm only when the similarity fell; see BocpdDetector)."),
        $"Synthetic interest clusters (spherical k-means on the embeddings, labelled by their two commonest genres): {string.Join("; ", clusters.Select(c => c.Label))}.",
        "Calibration: users are split in two by the seed (synthetic users stratified by stationary/switching). Each detector's setting is the one with the best F1 on the calibration half (ties: fewer false alarms, then the higher threshold); every figure in the tables and plots is measured on the other half, the test split. StreamRec's shipped defaults are shown as they are, without calibration.",
        "Metrics: an alarm within the first max-delay events of a change detects it (delay = events of the new interest seen, 1 = the first); each change is detected at most once and each alarm counts for at most one change; every other alarm (before a change, after its window, or a second one inside it) is a false alarm. Recall = detected / changes; precision = detecting alarms / alarms; FA/1k = false alarms per 1,000 events; FA/1k no-change users = the same on users without a true change (stationary synthetic users, unspliced real users). Delays: nearest-rank median and 90th percentile of the detected changes.",
        string.Create(CultureInfo.InvariantCulture,
            $"Families of real-data changes (MovieLens families): built from each split's own users with seeded choices, never mixing the halves; the splice family is the splice protocol above. A pair's genre distance is the cosine of the genre profiles (normalised sums of the films' genre indicators) of A's part and B's part. Curves use every setting and threshold of the tables. At each budget a detector's point is the one with the highest calibration recall on that family among those within the budget on the calibration controls; its test recall carries a 95% percentile bootstrap interval over the family's test streams ({(settings.Quick ? 200 : 1000)} resamples, the same resampled streams for every detector)."),
        "Caveats: a splice is only as visible as the two users' tastes are different, so recall on splices is bounded well below 1 for every detector; unspliced real users may drift on their own, so their 'false' alarms are partly true changes; the encoder was trained on these same MovieLens histories.",
    ];

    /// <summary>The attributes replayed events carry (id, "Title (year)", genres), so each film gets the vector the embedder would give it.</summary>
    private static ItemAttributes AllFeatures(Movie movie) => new(movie.Id.ToString(CultureInfo.InvariantCulture), movie.DisplayTitle, movie.Genres);

    /// <summary>Every film's vector from the attributes <paramref name="attributes"/> gives it, one row per film in the data set's order.</summary>
    private static ItemEmbeddings EmbedMovies(EmbeddingService encoder, MovieLensDataset dataset, Func<Movie, ItemAttributes> attributes)
    {
        var movies = dataset.Movies.Select(attributes).ToList();
        var d = encoder.Dimension;
        var values = new float[movies.Count * d];
        if (movies.DistinctBy(m => m.ItemId, StringComparer.Ordinal).Count() == movies.Count)
        {
            encoder.Embed(movies, values);
        }
        else
        {
            // The encoder gives every row of one call with the same id the first row's vector: films sharing an id (the empty one) go one per call.
            for (var i = 0; i < movies.Count; i++)
            {
                encoder.Embed([movies[i]], values.AsSpan(i * d, d));
            }
        }

        return new ItemEmbeddings(values, d);
    }

    /// <summary>
    /// How separable the test split's users are in the encoder's space (<see cref="EncoderSeparability"/>), on
    /// the spliced streams the evaluation uses, with the films embedded from all their features and from
    /// subsets of them. The subsets go through the shipped model unchanged: an empty id is no feature at all
    /// (<see cref="ItemFeatureHasher"/> skips empty values), so "content" is exactly the film's genre, decade
    /// and title rows, with no id row, hashed or untrained.
    /// </summary>
    private static List<SeparabilityRow> Separability(EmbeddingService encoder, MovieLensDataset dataset, ItemEmbeddings items, List<EvaluationStream> splices, EvalSettings settings)
    {
        var clock = Stopwatch.StartNew();
        const string Centroid = "cos(e, sum of A's earlier events)";
        const int Neighbours = 10;
        var resamples = settings.Quick ? 200 : 1000;
        var idOnly = EmbedMovies(encoder, dataset, m => new ItemAttributes(m.Id.ToString(CultureInfo.InvariantCulture)));
        var content = EmbedMovies(encoder, dataset, m => new ItemAttributes("", m.DisplayTitle, m.Genres));
        var genres = EmbedMovies(encoder, dataset, m => new ItemAttributes("", Categories: m.Genres));
        List<SeparabilityRow> rows =
        [
            EncoderSeparability.Summarise("encoder, all features", Centroid, EncoderSeparability.CentroidAucs(items, splices), settings.Seed, resamples),
            EncoderSeparability.Summarise("id only (collaborative)", Centroid, EncoderSeparability.CentroidAucs(idOnly, splices), settings.Seed, resamples),
            EncoderSeparability.Summarise("content only (genres, decade, title)", Centroid, EncoderSeparability.CentroidAucs(content, splices), settings.Seed, resamples),
            EncoderSeparability.Summarise("genres only", Centroid, EncoderSeparability.CentroidAucs(genres, splices), settings.Seed, resamples),
            EncoderSeparability.Summarise("encoder, all features", $"max cos(e, one of A's last {Neighbours} earlier events)",
                EncoderSeparability.NearestNeighbourAucs(items, splices, Neighbours), settings.Seed, resamples),
        ];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"eval: encoder separability on {splices.Count} test splices measured in {clock.Elapsed.TotalSeconds:0.0} s"));
        return rows;
    }

    private static (GroundTruthResult Result, List<ItemCluster> Clusters) Synthetic(MovieLensDataset dataset, ItemEmbeddings items, float[] weightPool, EvalSettings settings,
        List<DetectorSweep> sweeps, DetectorSweep defaults, CancellationToken cancellationToken)
    {
        var ratingCounts = new int[dataset.Movies.Length];
        var row = dataset.Movies.Select((m, i) => (m.Id, i)).ToDictionary(p => p.Id, p => p.i);
        foreach (var rating in dataset.Ratings)
        {
            ratingCounts[row[rating.MovieId]]++;
        }

        var candidates = Enumerable.Range(0, dataset.Movies.Length).Where(i => ratingCounts[i] >= MinRatingsForClusters).ToList();
        var clusters = SphericalKMeans.Cluster(items, candidates, settings.Clusters, settings.Seed)
            .Select(members => new ItemCluster(members, [.. members.Select(i => (double)ratingCounts[i])], GenreLabel(dataset, members)))
            .ToList();
        var options = new SyntheticStreamOptions { Users = settings.SyntheticUsers, EventsPerUser = settings.EventsPerUser };
        var streams = SyntheticStreamGenerator.Generate(clusters, weightPool, options, settings.Seed);

        // Stratified: each split gets half the stationary users and half the switching ones.
        var (stationaryCalibration, stationaryTest) = CalibrationSplit.Halves(streams.Where(s => s.IsStationary).ToList(), settings.Seed);
        var (switchingCalibration, switchingTest) = CalibrationSplit.Halves(streams.Where(s => !s.IsStationary).ToList(), settings.Seed);
        List<EvaluationStream> calibration = [.. stationaryCalibration, .. switchingCalibration];
        List<EvaluationStream> test = [.. stationaryTest, .. switchingTest];
        var description = string.Create(CultureInfo.InvariantCulture,
            $"{clusters.Count} k-means clusters of {candidates.Count:N0} films with >= {MinRatingsForClusters} ratings; test split {GroundTruthEvaluation.Describe(test)}");
        Console.WriteLine($"eval: synthetic: {description}");
        var result = Evaluate("Synthetic", description, calibration, test, items, sweeps, defaults,
            [.. switchingTest.Take(2), .. stationaryTest.Take(1)], settings, cancellationToken);
        return (result, clusters);
    }

    /// <returns>
    /// The evaluation; the test split's unspliced users, the controls whose false alarms are stratified by
    /// history length; the test split's spliced streams; and the operating curves on the families of real-data changes.
    /// </returns>
    private static (GroundTruthResult Result, List<EvaluationStream> Controls, List<EvaluationStream> Splices, OperatingCurvesResult Curves) Real(MovieLensDataset dataset, Func<Rating, float> weight, ItemEmbeddings items, EvalSettings settings,
        List<DetectorSweep> sweeps, DetectorSweep defaults, CancellationToken cancellationToken)
    {
        var row = dataset.Movies.Select((m, i) => (m.Id, i)).ToDictionary(p => p.Id, p => p.i);
        var histories = dataset.Ratings
            .GroupBy(r => r.UserId)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                // Time order, ties by movie id: the order the encoder was trained on and the replay sends.
                var ordered = g.OrderBy(r => r.Timestamp).ThenBy(r => r.MovieId).ToArray();
                return new ItemHistory(g.Key, [.. ordered.Select(r => row[r.MovieId])], [.. ordered.Select(weight)]);
            })
            .ToList();
        if (settings.RealUsers < histories.Count)
        {
            // A seeded choice of users (the two halves of a shuffle, concatenated, are just the shuffle).
            var (first, second) = CalibrationSplit.Halves(histories, settings.Seed ^ 0xABCDUL);
            histories = [.. first.Concat(second).Take(settings.RealUsers)];
        }

        var (calibrationUsers, testUsers) = CalibrationSplit.Halves(histories, settings.Seed);
        var options = new SpliceOptions();
        var (splicedCalibration, unsplicedCalibration) = SpliceStreamGenerator.Generate(calibrationUsers, options, settings.Seed);
        var (splicedTest, unsplicedTest) = SpliceStreamGenerator.Generate(testUsers, options, settings.Seed + 1);
        List<EvaluationStream> calibration = [.. splicedCalibration, .. unsplicedCalibration];
        List<EvaluationStream> test = [.. splicedTest, .. unsplicedTest];
        var description = string.Create(CultureInfo.InvariantCulture,
            $"{histories.Count} users; splices of A's first {options.MinPrefix}-{options.MaxPrefix} ratings and B's first <= {options.MaxSuffix}; test split {GroundTruthEvaluation.Describe(test)}");
        Console.WriteLine($"eval: MovieLens: {description}");
        var result = Evaluate("MovieLens splices", description, calibration, test, items, sweeps, defaults,
            [.. splicedTest.Take(2), .. unsplicedTest.Where(s => s.Length >= 200).Take(1)], settings, cancellationToken);
        return (result, [.. unsplicedTest], splicedTest, Curves(dataset, calibrationUsers, testUsers, options, items, settings, sweeps, cancellationToken));
    }

    /// <summary>Every detector's recall against false alarms on each family of real-data changes, from the same two splits of users.</summary>
    private static OperatingCurvesResult Curves(MovieLensDataset dataset, List<ItemHistory> calibrationUsers, List<ItemHistory> testUsers, SpliceOptions options,
        ItemEmbeddings items, EvalSettings settings, List<DetectorSweep> sweeps, CancellationToken cancellationToken)
    {
        var genres = new GenreProfiles([.. dataset.Movies.Select(m => m.Genres)]);
        // The seeds of the splices above, so the splice family is the table's streams.
        var calibration = SpliceFamilies.Generate(calibrationUsers, genres, options, settings.Seed);
        var test = SpliceFamilies.Generate(testUsers, genres, options, settings.Seed + 1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"eval: MovieLens families (test split): {string.Join(", ", test.Families.Where(f => !f.IsBand).Select(f => $"{f.Name} {f.Streams.Count}"))} spliced streams; {test.Controls.Count} controls"));
        var progress = new ProgressLine("eval MovieLens families", sweeps.Sum(s => s.Thresholds.Count));
        var gate = new Lock();
        return OperatingCurves.Run(sweeps, new FamilySplit(calibration.Families, calibration.Controls), new FamilySplit(test.Families, test.Controls),
            items, settings.MaxDelay, settings.Seed, settings.Quick ? 200 : 1000, onPointDone: (done, total) =>
            {
                lock (gate)
                {
                    if (done == total)
                    {
                        progress.Complete(done, "settings x thresholds");
                    }
                    else
                    {
                        progress.Report(done, "settings x thresholds");
                    }
                }
            }, cancellationToken: cancellationToken);
    }

    private static GroundTruthResult Evaluate(string name, string description, List<EvaluationStream> calibration, List<EvaluationStream> test,
        ItemEmbeddings items, List<DetectorSweep> sweeps, DetectorSweep defaults, List<EvaluationStream> examples, EvalSettings settings, CancellationToken cancellationToken)
    {
        var progress = new ProgressLine($"eval {name}", sweeps.Sum(s => s.Thresholds.Count) + 1);
        var gate = new Lock();
        var result = GroundTruthEvaluation.Run(name, description, calibration, test, items, sweeps, defaults, examples, settings.MaxDelay, (done, total) =>
        {
            lock (gate)
            {
                if (done == total)
                {
                    progress.Complete(done, "settings x thresholds");
                }
                else
                {
                    progress.Report(done, "settings x thresholds");
                }
            }
        }, cancellationToken);
        return result;
    }

    /// <summary>A cluster's two most common genres and its size, e.g. "Horror/Thriller (84 films)".</summary>
    private static string GenreLabel(MovieLensDataset dataset, int[] members)
    {
        var top = members.SelectMany(i => dataset.Movies[i].Genres).GroupBy(g => g, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(2).Select(g => g.Key);
        return string.Create(CultureInfo.InvariantCulture, $"{string.Join('/', top)} ({members.Length} films)");
    }

    private static Option<int?> AtLeast(string name, int minimum, string description)
    {
        var option = new Option<int?>(name) { Description = description };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } value && value < minimum)
            {
                r.AddError($"{name} must be >= {minimum}.");
            }
        });
        return option;
    }

    private sealed record EvalSettings(ulong Seed, int SyntheticUsers, int EventsPerUser, int RealUsers, int MaxDelay, int Clusters, int ThresholdsPerSweep, bool Quick);
}
