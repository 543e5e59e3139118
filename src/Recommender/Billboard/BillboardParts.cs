using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StreamRec.Messaging;
using StreamRec.Recommender.Privacy;
using StreamRec.Recommender.Stage;

namespace StreamRec.Recommender.Billboard;

/// <summary>
/// The billboard's two halves on one store: <see cref="Processor"/> counts embedded events into Redis (a
/// stage loop of its own in <see cref="BillboardWorker"/>, a link of the chain in a fused process) and
/// <see cref="Releaser"/> releases each step on the clock, through a producer of its own.
/// </summary>
public sealed class BillboardParts : IDisposable
{
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly Func<BillboardProcessor> _newProcessor;

    private BillboardParts(IProducer<byte[]?, byte[]?> producer, BillboardReleaser releaser, Func<BillboardProcessor> newProcessor)
    {
        _producer = producer;
        _newProcessor = newProcessor;
        Releaser = releaser;
        Processor = newProcessor();
    }

    public BillboardReleaser Releaser { get; }

    public BillboardProcessor Processor { get; }

    /// <summary>Builds both halves on <paramref name="database"/> and logs the billboard's guarantee.</summary>
    public static BillboardParts Create(BillboardOptions options, IDatabase database, KafkaOptions kafka, RecommenderMetrics metrics, TimeProvider clock, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(metrics);
        var store = new BillboardStore(database, options);
        var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(kafka)).Build();
        var releaser = new BillboardReleaser(store, options, producer, kafka.Topics.Billboard, CryptoRandomSource.Shared, metrics, logger);
        metrics.StartBillboard(releaser.Guarantee.EpsilonPerWindow);
        Log.BillboardStarted(logger, releaser.Guarantee.EpsilonPerWindow, options.Window, options.ReleasesPerWindow, options.MaxItemsPerUser, options.Clusters,
            releaser.Accountant.NodeScale);
        return new BillboardParts(producer, releaser, () => new BillboardProcessor(store, releaser.Windows, metrics, clock, logger));
    }

    /// <summary>Another counting half on the same store and windows, for another fused chain of the process.</summary>
    public BillboardProcessor NewProcessor() => _newProcessor();

    public void Dispose() => _producer.Dispose();
}
