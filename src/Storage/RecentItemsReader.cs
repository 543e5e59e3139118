using StackExchange.Redis;

namespace StreamRec.Storage;

/// <summary>
/// Reads the recent items the DriftDetector keeps per user (<see cref="DriftStateKeys.RecentItems"/>), so
/// the Recommender can leave out what a user has just seen without depending on the detector.
/// </summary>
public sealed class RecentItemsReader(IDatabase database)
{
    /// <summary>The user's most recent items, most recent first (empty when none are kept).</summary>
    public async Task<string[]> RecentItemsAsync(string user)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        var items = await database.SortedSetRangeByRankAsync(DriftStateKeys.RecentItems(user), 0, -1, Order.Descending).ConfigureAwait(false);
        return [.. items.Select(i => (string)i!)];
    }
}
