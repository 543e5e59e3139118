using System.CommandLine;
using System.Globalization;
using StreamRec.Datasets;
using StreamRec.Embedder.Features;
using StreamRec.Replay.Terminal;
using StreamRec.Training;

namespace StreamRec.Cli.Commands;

/// <summary>
/// <c>streamrec train-encoder</c>: trains the default item encoder on MovieLens (item2vec over users'
/// rating histories, see <see cref="EncoderTraining"/>), writes it as an ONNX model, checks the file
/// with ONNX Runtime and prints its quality.
/// </summary>
public static class TrainEncoderCommand
{
    /// <summary>Where the model goes without --model: under data/, which git ignores.</summary>
    public static readonly string DefaultModel = Path.Combine("data", "models", "encoder.onnx");

    public static Command Create()
    {
        var defaults = new EncoderTrainingOptions();
        var data = ReplayCommand.DataOption();
        var model = new Option<FileInfo>("--model")
        {
            Description = $"Encoder ONNX file to write (atomically; the directory is created). Default: {DefaultModel} under the current directory.",
            DefaultValueFactory = _ => new FileInfo(DefaultModel),
        };
        var epochs = PositiveInt("--epochs", "Passes over the training histories.", defaults.SkipGram.Epochs);
        var dimension = PositiveInt("--dim", "Embedding dimension D (= the table's width E).", defaults.SkipGram.Dimension);
        var window = PositiveInt("--window", "Largest distance between a centre and a context item in a history.", defaults.SkipGram.Window);
        var negatives = PositiveInt("--negatives", "Negative items per positive pair.", defaults.SkipGram.Negatives);
        var seed = new Option<ulong>("--seed") { Description = "Seed of every random choice: the same seed gives the same model.", DefaultValueFactory = _ => defaults.SkipGram.Seed };
        var holdout = new Option<double>("--holdout")
        {
            Description = "Share of each user's most recent ratings held out to measure the model; 0 trains on everything (production).",
            DefaultValueFactory = _ => defaults.HoldoutFraction,
        };
        holdout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is not (>= 0 and < 1))
            {
                r.AddError("--holdout must be at least 0 and below 1.");
            }
        });
        var version = new Option<string?>("--version")
        {
            Description = "Model version stored in the model (the embedder's cache key). Default: item2vec- and a hash of the weights.",
        };

        var command = new Command("train-encoder",
            """
            Train the default item encoder on MovieLens: item2vec (skip-gram with negative sampling) over
            each user's ratings in time order, with items represented by the mean of their hashed features
            (id, genres, decade, title words). Each user's last 20% is held out (--holdout) to measure the
            model: nearest neighbours' genres against chance, next-item hit-rate@10 against popularity.
            Writes the ONNX model, checks it with ONNX Runtime, and prints the numbers (also stored in the
            model's metadata under streamrec.quality.*).

            Examples:
              streamrec train-encoder --epochs 5 --dim 32 --seed 7 --model /tmp/encoder.onnx
              streamrec train-encoder --holdout 0 --model data/models/encoder.onnx   # the production model (~10 s)
            """)
        {
            data, model, epochs, dimension, window, negatives, seed, holdout, version,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var options = defaults with
            {
                SkipGram = defaults.SkipGram with
                {
                    Epochs = parse.GetValue(epochs),
                    Dimension = parse.GetValue(dimension),
                    Window = parse.GetValue(window),
                    Negatives = parse.GetValue(negatives),
                    Seed = parse.GetValue(seed),
                },
                HoldoutFraction = parse.GetValue(holdout),
            };
            var directory = parse.GetValue(data)?.FullName ?? MovieLensDirectory.Resolve();
            return Task.FromResult(Run(directory, parse.GetValue(model)!.FullName, options, parse.GetValue(version), cancellationToken));
        });
        return command;
    }

    /// <summary>
    /// MovieLens as a training corpus: one item per movie, with the attributes the replayed events carry
    /// (id, "Title (year)" as in <c>MovieLensEvents</c>, genres), so that training hashes exactly the
    /// features the embedder will hash at run time; one interaction per rating, whatever its stars (a
    /// rating of any value says the user watched the film, and measured on the time split, keeping only
    /// ratings of 3, 3.5 or 4 stars and up lowered the hit-rate: less data, same signal).
    /// </summary>
    public static TrainingCorpus CorpusFrom(MovieLensDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var movies = dataset.Movies;
        var index = new Dictionary<int, int>(movies.Length);
        var items = new ItemAttributes[movies.Length];
        for (var i = 0; i < movies.Length; i++)
        {
            var movie = movies[i];
            index[movie.Id] = i;
            var title = movie.DisplayTitle;
            items[i] = new ItemAttributes(movie.Id.ToString(CultureInfo.InvariantCulture), title, movie.Genres);
        }

        return TrainingCorpus.Create(items, dataset.Ratings.Select(r => new Interaction(r.UserId, index[r.MovieId], r.Timestamp)));
    }

    internal static int Run(string dataDirectory, string outputPath, EncoderTrainingOptions options, string? requestedVersion, CancellationToken cancellationToken)
    {
        var dataset = MovieLensDataset.Load(dataDirectory);
        var corpus = CorpusFrom(dataset);
        Console.WriteLine($"train-encoder: {dataset.Ratings.Length:N0} ratings of {corpus.Histories.Count:N0} users on {corpus.Items.Count:N0} movies from {dataset.SourceDirectory}");

        var positions = corpus.Histories.Sum(history => (long)history.Items.Length - TimeSplit.HeldOutCount(history.Items.Length, options.HoldoutFraction));
        var progress = new ProgressLine("train-encoder", positions * options.SkipGram.Epochs);
        var result = EncoderTraining.Run(corpus, options, p =>
        {
            var detail = string.Create(CultureInfo.InvariantCulture,
                $"epoch {p.Epoch}/{p.Epochs}  loss {p.Loss:0.000}  {p.Pairs / Math.Max(p.Elapsed.TotalSeconds, 1e-3):N0} pairs/s");
            if (p.Positions == p.TotalPositions)
            {
                progress.Complete(p.Positions, detail);
            }
            else
            {
                progress.Report(p.Positions, detail);
            }
        }, cancellationToken);

        var version = requestedVersion ?? EncoderExport.DefaultVersion(result.Trainer, options.Hashing);
        Directory.CreateDirectory(Path.GetDirectoryName(outputPath)!);
        EncoderExport.Write(result, options, version, outputPath);
        var check = EncoderExport.Verify(outputPath, result.Trainer, corpus.Items, version);
        PrintSummary(outputPath, version, options, result, check);
        return 0;
    }

    private static void PrintSummary(string path, string version, EncoderTrainingOptions options, EncoderTrainingResult result, EncoderExportCheck check)
    {
        var skipGram = options.SkipGram;
        var training = result.Training;
        var seconds = training.Elapsed.TotalSeconds;
        var heldOut = options.HoldoutFraction > 0 ? $"each user's last {options.HoldoutFraction:0.##%} held out" : "nothing held out";
        Console.WriteLine();
        Console.WriteLine("StreamRec encoder model");
        Console.WriteLine($"  file          {path} ({new FileInfo(path).Length / 1048576.0:0.0} MiB)");
        Console.WriteLine($"  version       {version}");
        Console.WriteLine($"  shape         V {options.Hashing.VocabularySize:N0} x D {skipGram.Dimension}, identity projection, feature hashing {ItemFeatureHashingOptions.Scheme} (up to {options.Hashing.MaxFeatures} features)");
        Console.WriteLine($"  trained on    {result.TrainingInteractions:N0} ratings of {result.Split.Training.Count:N0} users ({heldOut})");
        Console.WriteLine($"  settings      {skipGram.Epochs} epochs, window {skipGram.Window}, {skipGram.Negatives} negatives, learning rate {skipGram.LearningRate}, seed {skipGram.Seed}");
        Console.WriteLine($"  training      {training.Pairs / 1e6:0.0} M pairs in {seconds:0.0} s ({training.Pairs / Math.Max(seconds, 1e-3) / 1e6:0.00} M pairs/s), last-epoch loss {training.Loss:0.000}");
        Console.WriteLine($"  checked       {check.Items} items through ONNX Runtime match the trainer within {EncoderExport.Tolerance:0e0} (max difference {check.MaxDifference:0.0e0})");

        var quality = result.Quality;
        var evaluation = options.Evaluation;
        static void Row(string label, double trained, double? untrained, string baseline) =>
            Console.WriteLine($"  {label,-66}{trained,7:0.000}  {(untrained is { } u ? u.ToString("0.000", CultureInfo.InvariantCulture) : ""),9}  {baseline}");
        Console.WriteLine();
        Console.WriteLine($"{"Quality",-68}{"trained",7}  {"untrained",9}  baseline");
        Row($"{evaluation.Neighbours} nearest neighbours share a genre ({quality.Neighbours.Items:N0} items, >= {evaluation.NeighbourMinCount} ratings)",
            quality.Neighbours.Rate, quality.UntrainedNeighbours.Rate, $"{quality.Neighbours.ChanceRate:0.000} (chance)");
        if (quality is { NextItem: { } hits, NextItemAllCatalog: { } all, UntrainedNextItem: { } untrained })
        {
            var candidates = $"films with >= {hits.MinCandidateCount} ratings";
            Row($"hit-rate@{hits.K}, next item ({candidates})", hits.ModelNext, untrained.ModelNext, $"{hits.PopularityNext:0.000} (popularity)");
            Row($"hit-rate@{hits.K}, any held-out item ({candidates})", hits.ModelAny, untrained.ModelAny, $"{hits.PopularityAny:0.000} (popularity)");
            Row($"hit-rate@{all.K}, next item (whole catalog)", all.ModelNext, null, $"{all.PopularityNext:0.000} (popularity)");
            Row($"hit-rate@{all.K}, any held-out item (whole catalog)", all.ModelAny, null, $"{all.PopularityAny:0.000} (popularity)");
            Console.WriteLine($"  ({hits.Users:N0} users; profile: the normalised mean of a user's last {hits.ProfileLength} training items; films they rated in training are not recommended)");
        }
        else
        {
            Console.WriteLine($"  hit-rate@{evaluation.HitRateK}: not measured, nothing was held out (--holdout 0)");
        }

        Console.WriteLine($"  (also in the model's metadata, {EncoderQualityReport.MetadataPrefix}*)");
    }

    private static Option<int> PositiveInt(string name, string description, int defaultValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError($"{name} must be >= 1.");
            }
        });
        return option;
    }
}
