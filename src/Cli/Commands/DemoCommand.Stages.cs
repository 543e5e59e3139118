using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using StreamRec.DriftDetector.Stage;
using StreamRec.DriftDetector.State;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Stage;
using StreamRec.Ingest;
using StreamRec.Messaging;
using StreamRec.Messaging.Health;
using StreamRec.Messaging.Stages;
using StreamRec.Recommender.Billboard;
using StreamRec.Recommender.Privacy;
using StreamRec.Recommender.Stage;
using StreamRec.Replay.Terminal;
using StreamRec.Storage;

namespace StreamRec.Cli.Commands;

public static partial class DemoCommand
{
    /// <summary>
    /// The four stages in this process, fused into one Kafka worker. Disposing stops them and waits until each has
    /// finished its batch in hand and closed its consumer: only then may the encoder, the Redis connection
    /// and the broker they use go away, also when the demo is interrupted.
    /// </summary>
    private sealed class DemoStages : IAsyncDisposable
    {
        private readonly RunningStages _running;

        private DemoStages(RunningStages running, RecommenderOptions recommender)
        {
            _running = running;
            Recommender = recommender;
        }

        public RecommenderOptions Recommender { get; }

        /// <summary>
        /// The demo's billboard: windows of 4 seconds released every second, so that a replay of seconds sees
        /// releases (the default window is a day, released hourly). The guarantee it states is per 4-second
        /// window, and the summary says so: a setting for public data replayed at speed, not for people.
        /// </summary>
        private static BillboardOptions DemoBillboard => new() { Window = TimeSpan.FromSeconds(4), ReleasesPerWindow = 4 };

        public static DemoStages Start(KafkaOptions kafka, TopicNames topics, IngestOptions ingestOptions, EmbeddingService service, IDatabase database,
            StreamRecMetrics metrics, EmbedderMetrics embedderMetrics, ConsumerStatusRegistry consumers, CancellationToken cancellationToken)
        {
            var embedderOptions = new EmbedderOptions();
            var driftOptions = new DriftDetectorOptions();
            var recommenderOptions = new RecommenderOptions { Billboard = DemoBillboard };
            var recommenderMetrics = new RecommenderMetrics(metrics);
            var billboardStore = new BillboardStore(database, recommenderOptions.Billboard);
            var releaser = new BillboardReleaser(
                billboardStore, recommenderOptions.Billboard, producer: null, topics.Billboard, CryptoRandomSource.Shared, recommenderMetrics, NullLogger.Instance);
            recommenderMetrics.StartBillboard(releaser.Guarantee.EpsilonPerWindow);
            var running = new RunningStages(stop =>
            {
                // All four stages in this process: fused, as `streamrec run` runs them (Topology:Mode=auto). One
                // consumer of the raw topic; each batch passes through the stages in process, with the
                // billboard counted from the embedded events beside the DriftDetector.
                var chain = new FusedProcessor(
                [
                    new FusedLink(IngestWorker.CreateProcessor(ingestOptions, topics, TimeProvider.System), topics.Raw),
                    new FusedLink(new EmbedderProcessor(service, topics, TimeProvider.System, NullLogger.Instance), topics.Clean),
                    new FusedLink(new DriftProcessor(driftOptions, new DriftStateStore(database, driftOptions.StateTimeToLive), new ItemCatalogReader(database),
                        topics, new DriftMetrics(metrics), TimeProvider.System, NullLogger.Instance), topics.Embedded),
                    new FusedLink(new BillboardProcessor(billboardStore, releaser.Windows, recommenderMetrics, TimeProvider.System, NullLogger.Instance), topics.Embedded),
                    new FusedLink(new RecommenderProcessor(
                        ReleaseMaker.ForRedis(recommenderOptions, database, TimeProvider.System, NullLogger.Instance, recommenderMetrics),
                        topics, recommenderMetrics, TimeProvider.System, NullLogger.Instance), topics.Mutations),
                ], topics, metrics);
                var fused = new StageLoop(kafka, new StageLoopOptions { InputTopic = topics.Raw, GroupId = ingestOptions.GroupId }, chain,
                    metrics, consumers, NullLogger.Instance).RunAsync(stop);
                // The Embedder's second loop: the public catalog, the Recommender's only candidates.
                var catalog = EmbedderWorker.CatalogLoop(kafka, embedderOptions, service, database, embedderMetrics, metrics, consumers, TimeProvider.System, NullLogger.Instance)
                    .RunAsync(stop);
                // The billboard released into Redis at every step.
                var releasing = releaser.RunAsync(TimeProvider.System, stop);
                return [fused, catalog, releasing];
            }, cancellationToken);
            return new DemoStages(running, recommenderOptions);
        }

        /// <summary>Whether every stage has handled everything upstream of it, from the <paramref name="delivered"/> raw records on.</summary>
        public static bool HaveHandled(StageCounters counters, long delivered) =>
            counters.Consumed(IngestProcessor.Stage) == delivered
            && counters.Consumed(EmbedderProcessor.Stage) == counters.Forwarded(IngestProcessor.Stage)
            && counters.Consumed(DriftProcessor.Stage) == counters.Forwarded(EmbedderProcessor.Stage)
            && counters.Consumed(RecommenderProcessor.Stage) == counters.Forwarded(DriftProcessor.Stage);

        /// <summary>A stage that failed ends the demo with its error, at once (<see cref="RunningStages.ThrowIfFaultedAsync"/>).</summary>
        public Task ThrowIfFaultedAsync() => _running.ThrowIfFaultedAsync();

        public ValueTask DisposeAsync() => _running.DisposeAsync();
    }
}
