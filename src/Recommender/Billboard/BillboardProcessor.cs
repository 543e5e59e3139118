using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StreamRec.Contracts;
using StreamRec.Messaging.Stages;
using StreamRec.Recommender.Stage;
using StreamRec.Storage;

namespace StreamRec.Recommender.Billboard;

/// <summary>
/// Counts embedded events into the billboard of the current window (processing time): per model, the
/// events of public catalog items only, each user in the cluster nearest their long-horizon interest
/// (the DriftDetector's stored vector; their event's own embedding while they have none), under the
/// contribution bound of <see cref="BillboardStore.CountScript"/>. It writes nothing to Kafka: the
/// <see cref="StageLoop"/> stores the batch's offsets only after this returns, that is after the
/// Redis script succeeded, and a replay counts nothing twice (the users' records remember their items).
/// </summary>
public sealed class BillboardProcessor(BillboardStore store, BillboardWindows windows, RecommenderMetrics metrics, TimeProvider clock, ILogger logger) : IBatchProcessor
{
    public const string Stage = "billboard";

    private readonly HashSet<string> _withoutCatalog = new(StringComparer.Ordinal);

    public string StageName => Stage;

    /// <summary>The Embedder's event, handed over in a fused chain, is taken as it is instead of being decoded again.</summary>
    public bool ReadsPayloads => true;

    public async ValueTask<IReadOnlyList<OutgoingRecord>> ProcessAsync(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var windowStart = windows.WindowStart(clock.GetUtcNow().ToUnixTimeMilliseconds());
        var events = new List<EmbeddedEvent>(batch.Count);
        long invalid = 0, notInCatalog = 0, counted = 0, duplicate = 0, refused = 0;
        foreach (var record in batch)
        {
            if (record is HandedOnRecord { Payload: EmbeddedEvent handed })
            {
                events.Add(handed);
            }
            else if (record.Message.Value is { } value && EmbeddedEventCodec.TryRead(value, out var read, out _))
            {
                events.Add(read);
            }
            else
            {
                invalid++;
            }
        }

        var models = events.Select(e => e.ModelVersion).Distinct(StringComparer.Ordinal).ToList();
        foreach (var model in models)
        {
            var frame = await store.FrameAsync(model, windowStart).ConfigureAwait(false);
            var ofModel = events.Where(e => e.ModelVersion == model).ToList();
            if (frame is null)
            {
                if (_withoutCatalog.Add(model))
                {
                    Log.BillboardNoCatalog(logger, model);
                }

                notInCatalog += ofModel.Count;
                continue;
            }

            _withoutCatalog.Remove(model);
            var kept = ofModel.Where(e => frame.IndexOf(e.ItemId) >= 0 && e.Embedding.Length == frame.Dimension).ToList();
            notInCatalog += ofModel.Count - kept.Count;
            if (kept.Count == 0)
            {
                continue;
            }

            var users = kept.Select(e => e.User).Distinct(StringComparer.Ordinal).ToList();
            var index = users.Select((u, i) => (u, i)).ToDictionary(p => p.u, p => p.i, StringComparer.Ordinal);
            var clusters = await ClustersAsync(model, frame, users, kept).ConfigureAwait(false);
            var result = await store.CountAsync(model, windowStart,
                [.. users.Select((u, i) => (u, clusters[i]))], [.. kept.Select(e => (index[e.User], e.ItemId))]).ConfigureAwait(false);
            counted += result.Counted;
            duplicate += result.Duplicate;
            refused += result.Refused;
        }

        if (models.Count > 0)
        {
            await store.AddModelsAsync(models).ConfigureAwait(false);
        }

        Add(BillboardOutcomes.Counted, counted);
        Add(BillboardOutcomes.Duplicate, duplicate);
        Add(BillboardOutcomes.Refused, refused);
        Add(BillboardOutcomes.NotInCatalog, notInCatalog);
        Add(BillboardOutcomes.Invalid, invalid);
        Log.BillboardBatch(logger, batch.Count, counted, duplicate, refused, notInCatalog, invalid);
        return [];
    }

    /// <summary>
    /// The cluster each user would get if this is their first contribution to the window (the script
    /// keeps the one stored first): nearest the stored long-horizon vector of this model when there is
    /// one, else nearest the embedding of the user's first event here.
    /// </summary>
    private async Task<int[]> ClustersAsync(string model, BillboardFrame frame, List<string> users, List<EmbeddedEvent> events)
    {
        var database = store.Database;
        var batch = database.CreateBatch();
        var pending = users.Select(u => batch.StringGetAsync(DriftStateKeys.User(u))).ToArray();
        batch.Execute();
        var states = await Task.WhenAll(pending).ConfigureAwait(false);
        var clusters = new int[users.Count];
        for (var i = 0; i < users.Count; i++)
        {
            var vector = LongVector(states[i], model, frame.Dimension)
                ?? events.First(e => string.Equals(e.User, users[i], StringComparison.Ordinal)).Embedding;
            clusters[i] = BillboardClustering.Nearest(frame.Centroids, vector.Span);
        }

        return clusters;
    }

    private static ReadOnlyMemory<float>? LongVector(RedisValue stored, string model, int dimension)
    {
        if (stored.IsNull)
        {
            return null;
        }

        try
        {
            var state = DriftStateRecord.Read((byte[])stored!);
            return state.ModelVersion == model && state.State.Long.Length == dimension && state.State.Long.Any(x => x != 0) ? state.State.Long : null;
        }
        catch (InvalidDataException)
        {
            return null; // a damaged state is the DriftDetector's to report; the event's embedding will do
        }
    }

    private void Add(string outcome, long count) =>
        metrics.BillboardEvents.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
}
