using System.Diagnostics;
using Microsoft.Extensions.Logging;
using StreamRec.DriftDetector.Explanation;
using StreamRec.Storage;

namespace StreamRec.DriftDetector.Stage;

/// <summary>
/// The public catalog as the explanations see it: an <see cref="ItemProfiles"/> kept in step with the
/// items of the current encoder model in Redis. Asked only when a batch has mutations to explain (about
/// one per thousand events), it then costs one SCARD, and a read of the new items when the catalog's
/// size changed since the last look. So an explanation depends on the two interest vectors and the
/// catalog only, never on which events this process happened to see: a mutation detected again after a
/// restart is explained exactly as the first time.
/// </summary>
internal sealed class ExplanationCatalog(ItemCatalogReader reader, int capacity, DriftMetrics metrics, ILogger logger)
{
    private readonly ItemProfiles _items = new(capacity);
    private long _members = -1;
    private int _dimension;
    private bool _fullLogged;

    /// <summary>The catalog of <paramref name="modelVersion"/> with vectors of <paramref name="dimension"/> floats, as Redis holds it now.</summary>
    /// <exception cref="StackExchange.Redis.RedisException">Redis is unreachable (the stage then stops, and the batch is replayed).</exception>
    public async Task<ItemProfiles> CurrentAsync(string modelVersion, int dimension)
    {
        if (dimension != _dimension)
        {
            _items.UseModel(""); // vectors of another length: forget them all
            _dimension = dimension;
        }

        if (_items.UseModel(modelVersion))
        {
            _members = -1;
        }

        var started = Stopwatch.GetTimestamp();
        var members = await reader.CountAsync(modelVersion).ConfigureAwait(false);
        if (members != _members)
        {
            if (_items.IsFull)
            {
                if (!_fullLogged)
                {
                    _fullLogged = true;
                    Log.ItemTableFull(logger, _items.Count);
                }
            }
            else
            {
                var read = await reader.ReadNewAsync(modelVersion, dimension, _items.Contains).ConfigureAwait(false);
                foreach (var item in read.Items)
                {
                    _items.TryAdd(item.ItemId, item.Vector, item.Title, item.Categories);
                }

                members = read.Members;
            }

            _members = members;
        }

        metrics.RedisSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("operation", "catalog_read"));
        return _items;
    }
}
