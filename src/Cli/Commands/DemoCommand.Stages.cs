using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using StreamRec.Cli.Terminal;
using StreamRec.DriftDetector.Stage;
using StreamRec.DriftDetector.State;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Stage;
using StreamRec.Ingest;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.Recommender.Stage;
using StreamRec.Storage;

namespace StreamRec.Cli.Commands;

public static partial class DemoCommand
{
    /// <summary>
    /// The four stages as Kafka workers in this process. Disposing stops them and waits until each has
    /// finished its batch in hand and closed its consumer: only then may the encoder, the Redis connection
    /// and the broker they use go away, also when the demo is interrupted.
    /// </summary>
    private sealed class DemoStages : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop;
        private readonly Task[] _loops;
        private bool _stopped;

        private DemoStages(CancellationTokenSource stop, Task[] loops, RecommenderOptions recommender)
        {
            _stop = stop;
            _loops = loops;
            Recommender = recommender;
        }

        public RecommenderOptions Recommender { get; }

        public static DemoStages Start(KafkaOptions kafka, TopicNames topics, IngestOptions ingestOptions, EmbeddingService service, IDatabase database,
            CancellationToken cancellationToken)
        {
            var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var ingest = new StageLoop(kafka, new StageLoopOptions { InputTopic = topics.Raw, GroupId = ingestOptions.GroupId },
                new IngestProcessor(new RawEventValidator(ingestOptions, TimeProvider.System), Pseudonymizer.FromOptions(ingestOptions), topics, TimeProvider.System),
                NullLogger.Instance).RunAsync(stop.Token);
            var embedderOptions = new EmbedderOptions();
            var embed = new StageLoop(kafka, new StageLoopOptions { InputTopic = topics.Clean, GroupId = embedderOptions.GroupId },
                new EmbedderProcessor(service, new ItemCatalogWriter(database, TimeProvider.System), topics,
                    embedderOptions.KnownItemsCapacity, TimeProvider.System, NullLogger.Instance),
                NullLogger.Instance).RunAsync(stop.Token);
            var driftOptions = new DriftDetectorOptions();
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
            return new DemoStages(stop, [ingest, embed, drift, recommend], recommenderOptions);
        }

        /// <summary>Whether every stage has handled everything upstream of it, from the <paramref name="delivered"/> raw records on.</summary>
        public static bool HaveHandled(StageCounters counters, long delivered) =>
            counters.Consumed(IngestProcessor.Stage) == delivered
            && counters.Consumed(EmbedderProcessor.Stage) == counters.Forwarded(IngestProcessor.Stage)
            && counters.Consumed(DriftProcessor.Stage) == counters.Forwarded(EmbedderProcessor.Stage)
            && counters.Consumed(RecommenderProcessor.Stage) == counters.Forwarded(DriftProcessor.Stage);

        /// <summary>
        /// A stage that failed ends the demo with its error, at once: the other stages are told to stop but
        /// not waited for here (they never end by themselves); <see cref="DisposeAsync"/> waits for them.
        /// </summary>
        public async Task ThrowIfFaultedAsync()
        {
            if (_loops.FirstOrDefault(loop => loop.IsFaulted) is { } faulted)
            {
                await _stop.CancelAsync();
                await faulted; // rethrows the stage's exception
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            try
            {
                await _stop.CancelAsync();
                await Task.WhenAll(_loops);
            }
            finally
            {
                _stop.Dispose();
            }
        }
    }
}
