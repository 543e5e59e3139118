using System.CommandLine;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Cli.Replay;
using StreamRec.Cli.Terminal;
using StreamRec.Datasets;
using StreamRec.DriftDetector.Stage;
using StreamRec.DriftDetector.State;
using StreamRec.Embedded;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Stage;
using StreamRec.Embedder.Training;
using StreamRec.Ingest;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.Recommender.Stage;
using StreamRec.Storage;

namespace StreamRec.Cli.Commands;

/// <summary>
/// <c>streamrec demo</c>: the product on its embedded defaults, in one process: the embedded broker and
/// a redis-server, the encoder (trained first when there is none), the four stages (Ingest, Embedder,
/// DriftDetector, Recommender) as real Kafka workers, and MovieLens replayed through them, with progress
/// and a summary that shows some of the interest mutations found, explained, with the private
/// recommendations they received.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var data = ReplayCommand.DataOption();
        var rate = ReplayCommand.RateOption();
        var limit = ReplayCommand.LimitOption();
        var partitions = new Option<int>("--partitions") { Description = "Partitions of each StreamRec topic.", DefaultValueFactory = _ => 8 };
        var model = new Option<FileInfo?>("--model")
        {
            Description = "Encoder ONNX file. Default: data/models/encoder.onnx next to the data set, trained first (about 10 s) when missing.",
        };

        var command = new Command("demo",
            """
            Run StreamRec on its embedded defaults: an embedded Kafka broker and a redis-server on loopback,
            the Ingest, Embedder, DriftDetector and Recommender stages as Kafka workers in this process, and
            MovieLens replayed through them with live progress, then a summary with explained interest
            mutations and the differentially private recommendations they triggered.
            Stops cleanly, also on Ctrl-C.

            Examples:
              streamrec demo
              streamrec demo --rate 20000 --limit 50000
            """)
        {
            data, rate, limit, partitions, model,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var dataDirectory = parse.GetValue(data)?.FullName ?? MovieLensDirectory.Resolve();
            var events = ReplayCommand.LoadEvents(new DirectoryInfo(dataDirectory), parse.GetValue(limit));
            Console.WriteLine($"demo: {events.Count:N0} MovieLens events from {events.Select(e => e.UserId).Distinct().Count():N0} users loaded.");

            var modelPath = parse.GetValue(model)?.FullName ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dataDirectory))!, "models", "encoder.onnx");
            if (!File.Exists(modelPath))
            {
                Console.WriteLine($"demo: no encoder at {modelPath}; training one on the whole data set first.");
                TrainEncoderCommand.Run(dataDirectory, modelPath, new EncoderTrainingOptions { HoldoutFraction = 0 }, null, cancellationToken);
            }

            var topics = new TopicNames();
            using var cluster = new EmbeddedKafkaCluster();
            foreach (var topic in topics.All)
            {
                cluster.CreateTopic(topic, parse.GetValue(partitions));
            }

            Console.WriteLine($"demo: embedded Kafka broker at {cluster.BootstrapServers} (librdkafka {KafkaNativeLibrary.Version}), {topics.All.Count} topics.");
            using var redis = await RedisServerProcess.StartAsync(cancellationToken: cancellationToken);
            using var connection = await RedisConnector.ConnectAsync(new RedisOptions { Configuration = redis.ConnectionString });
            var ping = await connection.GetDatabase().PingAsync();
            Console.WriteLine($"demo: redis-server at {redis.ConnectionString} (ping {ping.TotalMilliseconds:0.0} ms).");

            var kafka = new KafkaOptions
            {
                BootstrapServers = cluster.BootstrapServers,
                Consumer = new Dictionary<string, string>(EmbeddedKafkaCluster.ConsumerSettings, StringComparer.Ordinal),
            };
            using var service = EmbeddingService.Load(new EmbedderOptions { ModelPath = modelPath });
            Console.WriteLine($"demo: encoder {service.ModelVersion} (D={service.Dimension}, {service.ExecutionProvider}) from {modelPath}.");

            // A throwaway pseudonym key: the demo's pseudonyms mean nothing outside this run.
            var ingestOptions = new IngestOptions { PseudonymKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
            using var counters = new StageCounters();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var ingest = new StageLoop(kafka, new StageLoopOptions { InputTopic = topics.Raw, GroupId = ingestOptions.GroupId },
                new IngestProcessor(new RawEventValidator(ingestOptions, TimeProvider.System), Pseudonymizer.FromOptions(ingestOptions), topics, TimeProvider.System),
                NullLogger.Instance).RunAsync(stop.Token);
            var embedderOptions = new EmbedderOptions();
            var embed = new StageLoop(kafka, new StageLoopOptions { InputTopic = topics.Clean, GroupId = embedderOptions.GroupId },
                new EmbedderProcessor(service, new ItemCatalogWriter(connection.GetDatabase(), TimeProvider.System), topics,
                    embedderOptions.KnownItemsCapacity, TimeProvider.System, NullLogger.Instance),
                NullLogger.Instance).RunAsync(stop.Token);
            var driftOptions = new DriftDetectorOptions();
            var database = connection.GetDatabase();
            var drift = new StageLoop(kafka, new StageLoopOptions { InputTopic = topics.Embedded, GroupId = driftOptions.GroupId },
                new DriftProcessor(driftOptions, new DriftStateStore(database, driftOptions.StateTimeToLive), new ItemCatalogReader(database),
                    topics, TimeProvider.System, NullLogger.Instance),
                NullLogger.Instance).RunAsync(stop.Token);
            var recommenderOptions = new RecommenderOptions();
            var recommend = new StageLoop(kafka, new StageLoopOptions { InputTopic = topics.Mutations, GroupId = recommenderOptions.GroupId },
                new RecommenderProcessor(
                    ReleaseMaker.ForRedis(recommenderOptions, database, TimeProvider.System, NullLogger.Instance),
                    topics, TimeProvider.System, NullLogger.Instance),
                NullLogger.Instance).RunAsync(stop.Token);

            var clock = Stopwatch.StartNew();
            var result = await new EventReplayer(KafkaClientConfigs.Producer(kafka), topics.Raw, parse.GetValue(rate))
                .RunAsync(events, cancellationToken);

            // Wait until every stage has handled everything that was delivered.
            var progress = new ProgressLine("pipeline", result.Delivered);
            string Detail() =>
                $"ingested {counters.Consumed(IngestProcessor.Stage):N0}  embedded {counters.Forwarded(EmbedderProcessor.Stage):N0}  " +
                $"drift {counters.Consumed(DriftProcessor.Stage):N0}  mutations {counters.Total("streamrec_mutations_total"):N0}  " +
                $"recommendations {counters.Forwarded(RecommenderProcessor.Stage):N0}";
            long Done() => counters.Consumed(DriftProcessor.Stage) + counters.DeadLettered(IngestProcessor.Stage) + counters.DeadLettered(EmbedderProcessor.Stage);
            while (!(counters.Consumed(IngestProcessor.Stage) == result.Delivered
                && counters.Consumed(EmbedderProcessor.Stage) == counters.Forwarded(IngestProcessor.Stage)
                && counters.Consumed(DriftProcessor.Stage) == counters.Forwarded(EmbedderProcessor.Stage)
                && counters.Consumed(RecommenderProcessor.Stage) == counters.Forwarded(DriftProcessor.Stage)))
            {
                if (ingest.IsFaulted || embed.IsFaulted || drift.IsFaulted || recommend.IsFaulted)
                {
                    await Task.WhenAll(ingest, embed, drift, recommend); // a failed stage ends the demo with its error
                }

                progress.Report(Done(), Detail());
                await Task.Delay(100, cancellationToken);
            }

            progress.Complete(Done(), Detail());
            var elapsed = clock.Elapsed;
            await stop.CancelAsync();
            await Task.WhenAll(ingest, embed, drift, recommend);
            var mutations = MutationShowcase.Read(kafka, topics.Mutations, parse.GetValue(partitions));
            var releases = MutationShowcase.ReadReleases(kafka, topics.Recommendations, parse.GetValue(partitions));

            var items = await connection.GetDatabase().SetLengthAsync(ItemCatalogKeys.ItemsOfModel(service.ModelVersion));
            var hits = counters.Total("streamrec_embed_cache_hits_total");
            var misses = counters.Total("streamrec_embed_cache_misses_total");
            Console.WriteLine();
            Console.WriteLine("StreamRec demo summary");
            Console.WriteLine($"  events replayed       {result.Delivered:N0} delivered, {result.Failed:N0} failed, {result.Elapsed.TotalSeconds:0.0} s ({result.Delivered / Math.Max(result.Elapsed.TotalSeconds, 1e-3):N0} events/s)");
            Console.WriteLine($"  ingest                {counters.Consumed(IngestProcessor.Stage):N0} consumed = {counters.Forwarded(IngestProcessor.Stage):N0} forwarded (pseudonymised) + {counters.DeadLettered(IngestProcessor.Stage):N0} dead-lettered");
            Console.WriteLine($"  embedder              {counters.Forwarded(EmbedderProcessor.Stage):N0} embeddings, {items:N0} items in the Redis catalog, cache hit rate {(hits + misses == 0 ? 0 : (double)hits / (hits + misses)):P1}");
            var applied = counters.Total("streamrec_drift_events_applied_total");
            var replayed = counters.Total("streamrec_drift_events_replayed_total");
            Console.WriteLine($"  drift detector        {counters.Consumed(DriftProcessor.Stage):N0} consumed = {applied:N0} applied + {replayed:N0} already applied + {counters.DeadLettered(DriftProcessor.Stage):N0} dead-lettered; {mutations.Count:N0} interest mutations published");
            var refused = counters.Total("streamrec_privacy_budget_exhausted_total");
            Console.WriteLine($"  recommender           {counters.Consumed(RecommenderProcessor.Stage):N0} mutations -> {releases.Count:N0} private releases (K={recommenderOptions.TopK}, epsilon {recommenderOptions.EpsilonPerRelease:0.##} each, budget {recommenderOptions.BudgetCap:0.##} per {recommenderOptions.BudgetWindow.TotalHours:0} h), {refused:N0} refused by the budget");
            Console.WriteLine($"  end to end            {elapsed.TotalSeconds:0.0} s from first event to last release, including the workers joining their consumer groups (about 3 s each on the embedded broker)");
            MutationShowcase.Print(mutations, releases, examples: 3);
            var reconciled = counters.Consumed(IngestProcessor.Stage) == counters.Forwarded(IngestProcessor.Stage) + counters.DeadLettered(IngestProcessor.Stage)
                && counters.Forwarded(EmbedderProcessor.Stage) + counters.DeadLettered(EmbedderProcessor.Stage) == counters.Consumed(EmbedderProcessor.Stage)
                && applied + replayed + counters.DeadLettered(DriftProcessor.Stage) == counters.Consumed(DriftProcessor.Stage)
                && mutations.Count == counters.Total("streamrec_mutations_total")
                && releases.Count + refused + counters.Total("streamrec_recommendations_skipped_total") + counters.DeadLettered(RecommenderProcessor.Stage) == mutations.Count;
            return result.Failed == 0 && reconciled ? 0 : 1;
        });
        return command;
    }

    /// <summary>The stage counters of this process, read back for the progress line and the summary.</summary>
    private sealed class StageCounters : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<(string Name, string? Stage), long> _values = [];
        private readonly Lock _gate = new();

        public StageCounters()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == StreamRecMetrics.MeterName && instrument is Counter<long>)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                string? stage = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "stage")
                    {
                        stage = tag.Value as string;
                    }
                }

                lock (_gate)
                {
                    _values[(instrument.Name, stage)] = _values.GetValueOrDefault((instrument.Name, stage)) + value;
                }
            });
            _listener.Start();
        }

        public long Consumed(string stage) => Get(StreamRecMetrics.EventsConsumed.Name, stage);

        public long Forwarded(string stage) => Get(StreamRecMetrics.EventsForwarded.Name, stage);

        public long DeadLettered(string stage) => Get(StreamRecMetrics.EventsDeadLettered.Name, stage);

        public long Total(string name)
        {
            lock (_gate)
            {
                return _values.Where(p => p.Key.Name == name).Sum(p => p.Value);
            }
        }

        public void Dispose() => _listener.Dispose();

        private long Get(string name, string stage)
        {
            lock (_gate)
            {
                return _values.GetValueOrDefault((name, stage));
            }
        }
    }
}
