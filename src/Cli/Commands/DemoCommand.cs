using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using StreamRec.Contracts;
using StreamRec.Datasets;
using StreamRec.Embedded;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Stage;
using StreamRec.Evaluation.Demo;
using StreamRec.Ingest;
using StreamRec.Messaging;
using StreamRec.Messaging.Health;
using StreamRec.Replay;
using StreamRec.Replay.Terminal;
using StreamRec.Storage;
using StreamRec.Training;

namespace StreamRec.Cli.Commands;

/// <summary>
/// <c>streamrec demo</c>: the product on its embedded defaults, in one process: the embedded broker and
/// a redis-server, the encoder (trained first when there is none), the four stages (Ingest, Embedder,
/// DriftDetector, Recommender) fused into one real Kafka worker, the MovieLens film list published on the catalog
/// topic (the public candidates), and MovieLens' ratings replayed through them, with live
/// progress, a summary that shows some of the interest mutations found, explained, with the private
/// recommendations they received, and an HTML report with plots. Ctrl-C stops it at any point, cleanly.
/// </summary>
public static partial class DemoCommand
{
    /// <summary>Where the report goes without --report: under artifacts/, which git ignores.</summary>
    public static readonly string DefaultReport = Path.Combine("artifacts", "demo-report.html");

    /// <summary>How many mutations (one per user) the summary and the report explain in detail.</summary>
    private const int Showcased = 3;

    public static Command Create()
    {
        var data = ReplayCommand.DataOption();
        var rate = ReplayCommand.RateOption();
        var limit = ReplayCommand.LimitOption();
        var users = new Option<int?>("--users")
        {
            Description = "Replay only the whole histories of the N users with the lowest ids (merged in time order): the shortened mode. --limit then cuts that replay.",
        };
        users.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1)
            {
                r.AddError("--users must be >= 1.");
            }
        });
        var partitions = new Option<int>("--partitions") { Description = "Partitions of each StreamRec topic.", DefaultValueFactory = _ => 8 };
        var model = new Option<FileInfo?>("--model")
        {
            Description = "Encoder ONNX file. Default: data/models/encoder.onnx next to the data set, trained first (about 10 s) when missing.",
        };
        var report = new Option<FileInfo>("--report")
        {
            Description = "Where to write the HTML report (one file, plots inline; relative to the current directory).",
            DefaultValueFactory = _ => new FileInfo(DefaultReport),
        };

        var command = new Command("demo",
            """
            Run StreamRec on its embedded defaults: an embedded Kafka broker and a redis-server on loopback,
            the Ingest, Embedder, DriftDetector and Recommender stages fused into one Kafka worker in this
            process (as `streamrec run` runs all four: one consumer of the raw topic), and
            MovieLens replayed through them (20 years of ratings in seconds) with live progress (events/s,
            lag, mutations, recommendations, epsilon spent), then a summary with explained interest
            mutations and the differentially private recommendations they triggered, and an HTML report
            with plots. Ctrl-C stops it at any time: the stages are closed, redis-server and the broker
            shut down, and it exits with 130 (143 on SIGTERM); a second Ctrl-C forces it.

            Examples:
              streamrec demo                                       # the whole data set (100k ratings, ~15 s)
              streamrec demo --users 40 --report /tmp/demo.html    # shortened mode (CI): 40 users, ~7k ratings, ~10 s
              streamrec demo --users 40 --rate 2000 --limit 4000   # the first 4,000 of those ratings at 2,000/s
            """)
        {
            data, rate, limit, users, partitions, model, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            // System.CommandLine starts watching for Ctrl-C and SIGTERM only once the action has returned its
            // task: return it at once, so that even loading the data can be interrupted.
            await Task.Yield();
            var dataDirectory = parse.GetValue(data)?.FullName ?? MovieLensDirectory.Resolve();
            var settings = new DemoSettings(
                dataDirectory,
                parse.GetValue(model)?.FullName ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dataDirectory))!, "models", "encoder.onnx"),
                parse.GetValue(rate), parse.GetValue(limit), parse.GetValue(users), parse.GetValue(partitions), parse.GetValue(report)!.FullName);
            var (events, catalog) = LoadEvents(settings);

            // From here the demo handles the first signal itself (created well after the command line's
            // handler, see TerminationSignal), so its shutdown is not cut short by the command line's 2 s.
            using var signal = new TerminationSignal(cancellationToken);
            using var interrupted = signal.Token.Register(() =>
                Console.WriteLine($"{Environment.NewLine}demo: interrupted ({signal.Description}); shutting down (Ctrl-C again to force)."));
            try
            {
                return await RunAsync(settings, events, catalog, signal.Token);
            }
            catch (OperationCanceledException) when (signal.Token.IsCancellationRequested)
            {
                // Every stage, the Redis connection, redis-server and the broker were disposed on the way out.
                Console.WriteLine("demo: stopped cleanly (stages closed, redis-server and the embedded broker shut down).");
                return signal.ExitCode;
            }
        });
        return command;
    }

    private sealed record DemoSettings(string DataDirectory, string ModelPath, double Rate, int? Limit, int? Users, int Partitions, string ReportPath);

    private static async Task<int> RunAsync(DemoSettings settings, List<RawEvent> events, List<CatalogItemRecord> catalog, CancellationToken cancellationToken)
    {
        Console.WriteLine($"demo: {events.Count:N0} MovieLens events from {events.Select(e => e.UserId).Distinct().Count():N0} users loaded.");
        if (!File.Exists(settings.ModelPath))
        {
            Console.WriteLine($"demo: no encoder at {settings.ModelPath}; training one on the whole data set first.");
            TrainEncoderCommand.Run(settings.DataDirectory, settings.ModelPath, new EncoderTrainingOptions { HoldoutFraction = 0 }, null, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested(); // the encoder's quality checks and export do not look at it

        var topics = new TopicNames();
        using var cluster = new EmbeddedKafkaCluster();
        foreach (var topic in topics.All)
        {
            cluster.CreateTopic(topic, settings.Partitions);
        }

        Console.WriteLine($"demo: embedded Kafka broker at {cluster.BootstrapServers} (librdkafka {Confluent.Kafka.Library.VersionString}), {topics.All.Count} topics.");
        using var redis = await RedisServerProcess.StartAsync(cancellationToken: cancellationToken);
        using var connection = await RedisConnector.ConnectAsync(new RedisOptions { Configuration = redis.ConnectionString });
        var ping = await connection.GetDatabase().PingAsync();
        Console.WriteLine($"demo: redis-server at {redis.ConnectionString} (pid {redis.ProcessId}, ping {ping.TotalMilliseconds:0.0} ms).");

        var kafka = new KafkaOptions
        {
            BootstrapServers = cluster.BootstrapServers,
            Consumer = new Dictionary<string, string>(EmbeddedKafkaCluster.ConsumerSettings, StringComparer.Ordinal),
        };
        // The stages' meter and consumer registry, as a worker's host would hold them.
        await using var telemetry = new ServiceCollection().AddStreamRecMeter().BuildServiceProvider();
        var metrics = telemetry.GetRequiredService<StreamRecMetrics>();
        var embedderMetrics = new EmbedderMetrics(metrics);
        using var service = EmbeddingService.Load(new EmbedderOptions { ModelPath = settings.ModelPath }, metrics: embedderMetrics);
        Console.WriteLine($"demo: encoder {service.ModelVersion} (D={service.Dimension}, {service.ExecutionProvider}) from {settings.ModelPath}.");

        // A throwaway pseudonym key: the demo's pseudonyms mean nothing outside this run.
        var ingestOptions = new IngestOptions { PseudonymKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
        using var counters = new StageCounters(metrics);
        await using var stages = DemoStages.Start(
            kafka, topics, ingestOptions, service, connection.GetDatabase(),
            metrics, embedderMetrics, telemetry.GetRequiredService<ConsumerStatusRegistry>(), cancellationToken);

        // The film list first, on the catalog topic: the Recommender's only candidates are public items,
        // never those the events name (docs/privacy.md). Replaying waits until the Embedder has stored
        // them all, so every mutation's release ranks the whole public catalog.
        var published = CatalogPublisher.Publish(KafkaClientConfigs.Producer(kafka), topics.Catalog, catalog, cancellationToken);
        if (published.Failed > 0)
        {
            throw new InvalidOperationException($"demo: {published.Failed:N0} films were not delivered to {topics.Catalog}; first error: {published.FirstError}");
        }

        while (counters.Consumed(CatalogProcessor.Stage) - counters.DeadLettered(CatalogProcessor.Stage) < published.Delivered)
        {
            await stages.ThrowIfFaultedAsync();
            await Task.Delay(100, cancellationToken);
        }

        Console.WriteLine($"demo: {published.Delivered:N0} MovieLens films (public) published to {topics.Catalog} and stored as the candidate catalog.");
        Console.WriteLine($"demo: replaying {events.Count:N0} events into {topics.Raw} {(settings.Rate > 0 ? $"at {settings.Rate:N0}/s" : "as fast as the broker takes them")}; Ctrl-C stops the demo at any time.");
        var clock = Stopwatch.StartNew();
        var replayer = new EventReplayer(KafkaClientConfigs.Producer(kafka), topics.Raw, settings.Rate, showProgress: false);
        var monitor = new PipelineMonitor(counters, () => replayer.Delivered, events.Count);
        // Unpaced, the replay produces without ever yielding: off this thread, so that progress shows meanwhile.
        var replay = Task.Run(() => replayer.RunAsync(events, cancellationToken), CancellationToken.None);
        ReplayResult result;
        try
        {
            // Progress while replaying and while the stages drain, until every stage has handled everything.
            while (!(replay.IsCompleted && DemoStages.HaveHandled(counters, (await replay).Delivered)))
            {
                await stages.ThrowIfFaultedAsync();
                monitor.Tick(replay.IsCompleted ? PipelineMonitor.Draining : PipelineMonitor.Replaying);
                await Task.Delay(100, cancellationToken);
            }

            result = await replay;
        }
        finally
        {
            // On the way out (Ctrl-C, a failed stage) the replay's producer must be gone before the broker
            // is; its own outcome, if it failed, is the cause already being reported or its cancellation.
            await Task.WhenAny(replay);
        }

        monitor.Complete("done");
        var elapsed = clock.Elapsed;
        await stages.DisposeAsync();
        var mutations = MutationShowcase.Read(kafka, topics.Mutations, settings.Partitions, cancellationToken);
        var releases = MutationShowcase.ReadReleases(kafka, topics.Recommendations, settings.Partitions, cancellationToken);
        var items = await connection.GetDatabase().SetLengthAsync(ItemCatalogKeys.ItemsOfModel(service.ModelVersion));

        var summary = new DemoSummary(counters, result, mutations, releases, items, stages.Recommender, elapsed);
        var lines = summary.Print();
        var showcased = MutationShowcase.Choose(mutations, Showcased);
        MutationShowcase.Print(showcased, mutations.Count, releases);

        DemoReport.Write(settings.ReportPath, "StreamRec demo", new DemoOutcome(
            [$"{events.Count:N0} MovieLens ratings replayed through the four stages on the embedded broker and redis-server; encoder {service.ModelVersion} (D={service.Dimension}, {service.ExecutionProvider}). Users appear by pseudonym only.", .. lines],
            monitor.Samples, mutations, releases, showcased, HistoriesOf(showcased, events, Pseudonymizer.FromOptions(ingestOptions))));
        Console.WriteLine();
        Console.WriteLine($"Report: {settings.ReportPath}");
        return result.Failed == 0 && summary.Reconciled ? 0 : 1;
    }

    /// <summary>
    /// The replayed events of each showcased user, by pseudonym: the demo holds the run's pseudonym key,
    /// so it can find them; the records on the topics name users only by pseudonym.
    /// </summary>
    private static Dictionary<string, IReadOnlyList<RawEvent>> HistoriesOf(IReadOnlyList<MutationRecord> showcased, List<RawEvent> events, Pseudonymizer pseudonyms)
    {
        var chosen = showcased.Select(m => m.User).ToHashSet(StringComparer.Ordinal);
        return events.GroupBy(e => e.UserId, StringComparer.Ordinal)
            .Select(g => (User: pseudonyms.Pseudonymize(g.Key), Events: g))
            .Where(g => chosen.Contains(g.User))
            .ToDictionary(g => g.User, g => (IReadOnlyList<RawEvent>)[.. g.Events], StringComparer.Ordinal);
    }

    private static (List<RawEvent> Events, List<CatalogItemRecord> Catalog) LoadEvents(DemoSettings settings)
    {
        var dataset = MovieLensDataset.Load(settings.DataDirectory);
        var ratings = settings.Users is { } users ? MovieLensEvents.OfFirstUsers(dataset.Ratings, users) : [.. dataset.Ratings];
        var events = MovieLensEvents.InTimeOrder(dataset.Movies, ratings);
        // The whole film list, whatever part of the ratings is replayed: it is public, not the stream's.
        return (settings.Limit is { } n && n < events.Count ? events.GetRange(0, n) : events, MovieLensCatalog.Items(dataset.Movies));
    }
}
