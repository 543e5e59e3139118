using System.Buffers;
using System.Diagnostics.Metrics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamRec.Contracts;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Features;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;

namespace StreamRec.Embedder.Stage;

/// <summary>
/// The Embedder's work on the catalog topic (<c>Embedder:ConsumeCatalog</c>, on by default): each
/// readable <see cref="CatalogItemRecord"/> is embedded and written to the public catalog in Redis. These
/// are the Recommender's only candidates: an item seen only in events never is one (see
/// <see cref="EmbedderProcessor"/>), so without this topic nothing is recommended. A catalog record is
/// the authority on its item's attributes: it replaces what the cache and Redis held (the latest record
/// of an item in a batch wins). An unreadable record goes to the dead-letter topic with reason
/// <see cref="InvalidCatalogItem"/>; nothing else is published.
/// </summary>
public sealed class CatalogProcessor : IBatchProcessor
{
    public const string Stage = "catalog";

    /// <summary>The dead-letter reason of a record that is not a readable catalog item.</summary>
    public const string InvalidCatalogItem = "invalid_catalog_item";

    private static readonly KeyValuePair<string, object?> StageTag = new("stage", Stage);

    private readonly EmbeddingService _embedder;
    private readonly ItemCatalogWriter _catalog;
    private readonly Counter<long> _itemsWritten;
    private readonly ILogger _logger;
    private readonly DeadLetters _deadLetters;

    public CatalogProcessor(EmbeddingService embedder, ItemCatalogWriter catalog, TopicNames topics, EmbedderMetrics metrics, TimeProvider clock, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);
        _embedder = embedder;
        _catalog = catalog;
        _logger = logger;
        _itemsWritten = metrics.ItemsWritten;
        _itemsWritten.Add(0); // the series exists before the first item
        _deadLetters = new DeadLetters(Stage, topics, clock, logger);
    }

    public string StageName => Stage;

    public IReadOnlyCollection<string> DeadLetterReasons => [InvalidCatalogItem];

    public async ValueTask<IReadOnlyList<OutgoingRecord>> ProcessAsync(
        IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var outputs = new List<OutgoingRecord>();
        var latest = new Dictionary<string, CatalogItemRecord>(StringComparer.Ordinal);
        foreach (var record in batch)
        {
            if (CatalogItemReader.TryRead(record.Message.Value, out var item, out var detail))
            {
                latest[item.ItemId] = item;
                continue;
            }

            outputs.Add(_deadLetters.Reject(record, InvalidCatalogItem, detail));
        }

        if (latest.Count > 0)
        {
            var items = latest.Values.Select(i => new ItemAttributes(i.ItemId, i.Title, i.Categories, i.Tags)).ToList();
            foreach (var item in items)
            {
                _embedder.Cache.Remove(new ItemVersionKey(item.ItemId, _embedder.ModelVersion));
            }

            var d = _embedder.Dimension;
            var embeddings = ArrayPool<float>.Shared.Rent(items.Count * d);
            try
            {
                _embedder.Embed(items, embeddings);
                await _catalog.WriteAsync([.. items.Select((item, i) => new CatalogItem(
                    item.ItemId, _embedder.ModelVersion, embeddings.AsSpan(i * d, d).ToArray(), item.Title, item.Categories))]).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(embeddings);
            }

            _itemsWritten.Add(items.Count);
            Log.CatalogItemsWritten(_logger, items.Count);
        }

        return outputs;
    }
}
