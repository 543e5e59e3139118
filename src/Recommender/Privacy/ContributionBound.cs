namespace StreamRec.Recommender.Privacy;

/// <summary>
/// Bounds each user's contribution to distinct-user counts in one window: a user counts once per item,
/// and for at most <see cref="MaxItemsPerUser"/> distinct items, the first ones seen in the window (a
/// streaming rule: later items are dropped, not swapped in). So removing all of one user's events changes
/// at most L counts, each by 1: the L1 sensitivity of the count vector is L, whatever the user did.
/// </summary>
public sealed class ContributionBound
{
    private readonly Dictionary<long, HashSet<int>> _counted = [];

    public ContributionBound(int maxItemsPerUser)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItemsPerUser, 1);
        MaxItemsPerUser = maxItemsPerUser;
    }

    /// <summary>L.</summary>
    public int MaxItemsPerUser { get; }

    /// <summary>The L1 sensitivity of the counts this bound feeds: L.</summary>
    public double Sensitivity => MaxItemsPerUser;

    /// <summary>True when this (user, item) is to be counted now: its first occurrence, within the user's L items.</summary>
    public bool TryCount(long user, int item)
    {
        if (!_counted.TryGetValue(user, out var items))
        {
            items = [];
            _counted[user] = items;
        }

        return items.Count < MaxItemsPerUser && items.Add(item);
    }

    /// <summary>Starts a new window: every user may contribute again.</summary>
    public void Reset() => _counted.Clear();
}
