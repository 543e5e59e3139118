using System.Numerics.Tensors;
using System.Text.Json;
using StackExchange.Redis;
using StreamRec.Contracts;
using StreamRec.Recommender.Catalog;
using StreamRec.Recommender.Scoring;
using StreamRec.Storage;

namespace StreamRec.Recommender.Stage;

/// <summary>
/// Makes one joint-mode release (<c>Recommender:Privacy:Mode = joint</c>, docs/privacy.md):
/// <list type="number">
/// <item>candidates: the public catalog of the interest's model, less the user's recent items, read
/// whenever the DriftDetector keeps them (DriftDetector:RecentItems &gt; 0; with 0 nothing is left out):
/// the list goes to this user alone, so leaving out what they have seen reveals nothing to anyone else;</item>
/// <item>the user's cluster: the billboard centroid nearest their long-horizon interest (the drift
/// state's l, steadier than the mutation's new s, as in the offline measurement), or nearest the request's
/// interest when there is no usable state of the model;</item>
/// <item>the K best by <see cref="JointRanker"/>'s blend with that cluster's counts, no noise; with no
/// billboard for the model yet, by the interest alone, and the record says so (no billboard version);</item>
/// <item>the record is stored first-writer-wins (<see cref="JointReleaseStore"/>) and the stored one is
/// returned, so a replay publishes the same bytes. The privacy ledger is never touched: nothing is spent.</item>
/// </list>
/// Not thread-safe (one stage loop or one schedule loop drives it).
/// </summary>
public sealed class JointReleaser(
    RecommenderOptions options, BillboardCache billboard, DriftStateReader states, RecentItemsReader recentItems, JointReleaseStore store, TimeProvider clock)
{
    /// <summary>The joint releaser of a running stage: billboard, drift states, recent items and stored records in <paramref name="database"/>.</summary>
    public static JointReleaser ForRedis(RecommenderOptions options, IDatabase database, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new JointReleaser(
            options,
            // The billboard changes once per step: looking more often finds nothing new, looking less often
            // answers with a stale release (for up to CatalogRefreshInterval).
            new BillboardCache(database, Min(options.CatalogRefreshInterval, options.Billboard.Window / options.Billboard.ReleasesPerWindow), clock),
            new DriftStateReader(database),
            new RecentItemsReader(database),
            new JointReleaseStore(database, options.BudgetWindow, clock),
            clock);
    }

    /// <exception cref="RedisException">Redis is unreachable (the stage stops; the request is replayed).</exception>
    public async Task<ReleaseResult> MakeAsync(ReleaseRequest request, ItemCatalogSnapshot catalog)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(catalog);
        var excluded = new HashSet<int>();
        foreach (var item in await recentItems.RecentItemsAsync(request.User).ConfigureAwait(false))
        {
            if (catalog.Items.TryGetRow(item, out var row))
            {
                excluded.Add(row);
            }
        }

        var snapshot = await billboard.GetAsync(request.ModelVersion).ConfigureAwait(false);
        if (snapshot is not null && snapshot.Centroids[0].Length != request.Interest.Length)
        {
            snapshot = null; // centroids of another dimension cannot place this interest: content only
        }

        float[] popularity = [];
        if (snapshot is not null)
        {
            var cluster = JointRanker.NearestCluster(snapshot.Centroids, await ClusterAnchorAsync(request).ConfigureAwait(false));
            popularity = JointRanker.Popularity(catalog.Items, snapshot.Items, snapshot.Counts[cluster],
                JointRanker.NoiseFloor(snapshot.Guarantee.NodeScale, snapshot.Guarantee.Levels));
        }

        var weight = snapshot is null ? 0 : options.Privacy.PopularityWeight;
        var k = Math.Max(0, Math.Min(options.TopK, catalog.Items.Count - excluded.Count));
        var rows = JointRanker.Rank(catalog.Items, request.Interest, popularity, weight, k, excluded);
        var record = new RecommendationRecord
        {
            ReleaseId = request.ReleaseId,
            User = request.User,
            Trigger = request.Trigger,
            PrivacyMode = RecommenderPrivacyOptions.JointMode,
            MutationId = request.MutationId,
            Items = [.. rows.Select(row =>
            {
                var id = catalog.Items.ItemId(row);
                return new RecommendedItem(id, catalog.Title(id), null);
            })],
            Mechanism = new ReleaseMechanism
            {
                Selection = JointRanker.MechanismName,
                PopularityWeight = weight,
                Candidates = catalog.Items.Count,
            },
            EpsilonSpent = 0,
            BillboardVersion = snapshot?.Version,
            BillboardGuarantee = snapshot?.Guarantee,
            ModelVersion = request.ModelVersion,
            Time = (request.Time ?? clock.GetUtcNow()).ToUnixTimeMilliseconds(),
        };
        var (published, first) = await store.StoreAsync(request.User, request.ReleaseId,
            JsonSerializer.SerializeToUtf8Bytes(record, ContractsJsonContext.Default.RecommendationRecord)).ConfigureAwait(false);
        return new ReleaseResult(first ? ReleaseStatus.Published : ReleaseStatus.Republished, published);
    }

    /// <summary>
    /// The vector that picks the user's cluster: the stored long-horizon vector l when the detector holds a
    /// state of this model and dimension with a non-zero l; otherwise the request's interest. A state this
    /// build cannot read is treated as absent: it is the detector's to repair, and a list from the
    /// interest is still a good list.
    /// </summary>
    private async Task<float[]> ClusterAnchorAsync(ReleaseRequest request)
    {
        StoredDriftState? stored;
        try
        {
            stored = await states.ReadAsync(request.User).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            stored = null;
        }

        return stored is { State.Long: var longVector } state
               && (state.ModelVersion == request.ModelVersion || state.ModelVersion.Length == 0)
               && longVector.Length == request.Interest.Length
               && TensorPrimitives.Norm(longVector) > 0
            ? longVector
            : request.Interest;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
