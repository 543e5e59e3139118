namespace StreamRec.Recommender.Privacy;

/// <summary>
/// The billboard's user-level privacy accounting for one day: the one place that turns a per-day budget
/// ε, the per-user contribution bound L and the number T of releases per day into the binary-tree
/// mechanism's node noise scale, and says how much of ε the day's releases spend.
/// <para>
/// <b>The guarantee.</b> Neighbouring inputs differ by all of one user's events in the day's window.
/// After <see cref="ContributionBound"/> that user moves at most L counts, each by 1, once in the whole
/// window, so the per-step increments of all the day's counters differ by at most L in L1. The
/// <see cref="BinaryTreeCounter"/> adds each increment to exactly one node per level, so the nodes of any
/// one level differ by at most L in L1, and all nodes by at most L·Levels, Levels = floor(log2 T) + 1.
/// With discrete Laplace noise of integer scale t on every node, one level's nodes are (L/t)-DP (the
/// discrete Laplace mechanism: P(y | a)/P(y | a') = exp((|y - a'| - |y - a|)/t) &lt;= exp(|a - a'|/t)), and
/// the levels compose: the whole day is (L·Levels/t)-DP. Every release is a sum of released nodes, so it
/// is post-processing and costs nothing more. Choosing t = ceil(L·Levels/ε) gives
/// <see cref="SpentPerDay"/> = L·Levels/t &lt;= ε, with equality when ε divides L·Levels.
/// </para>
/// <para>
/// <b>Within the day.</b> Level j's first node is released at step 2^j, so after s releases only
/// floor(log2 s) + 1 levels have released anything and <see cref="SpentAfter"/>(s) is that many levels'
/// L/t: it reaches <see cref="SpentPerDay"/> at step 2^(Levels - 1) &lt;= T and stays there. A new day
/// (new window, <see cref="ContributionBound.Reset"/>, new counters) spends a new ε.
/// </para>
/// If several count vectors share one guarantee (say overall and per-cluster counts, each fed by the same
/// bounded contributions), L is the total number of counts one user can move across them.
/// </summary>
public sealed class BillboardAccountant
{
    /// <param name="epsilonPerDay">ε, the user-level budget of one day's releases.</param>
    /// <param name="maxCountsPerUser">L, the most counts one user moves (each by at most 1) in a day: <see cref="ContributionBound.Sensitivity"/>.</param>
    /// <param name="releasesPerDay">T, the releases (tree steps) in a day.</param>
    public BillboardAccountant(double epsilonPerDay, double maxCountsPerUser, int releasesPerDay)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilonPerDay);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCountsPerUser);
        ArgumentOutOfRangeException.ThrowIfLessThan(releasesPerDay, 1);
        EpsilonPerDay = epsilonPerDay;
        MaxCountsPerUser = maxCountsPerUser;
        ReleasesPerDay = releasesPerDay;
        Levels = BinaryTreeCounter.LevelsFor(releasesPerDay);
        var scale = Math.Ceiling(maxCountsPerUser * Levels / epsilonPerDay);
        NodeScale = scale > DiscreteLaplace.MaxScale
            ? throw new ArgumentOutOfRangeException(nameof(epsilonPerDay), "the noise scale is out of range")
            : (long)scale;
    }

    /// <summary>ε, the budget the day's releases are accounted against.</summary>
    public double EpsilonPerDay { get; }

    /// <summary>L.</summary>
    public double MaxCountsPerUser { get; }

    /// <summary>T.</summary>
    public int ReleasesPerDay { get; }

    /// <summary>floor(log2 T) + 1: the nodes each increment enters.</summary>
    public int Levels { get; }

    /// <summary>t = ceil(L·Levels/ε), the discrete Laplace scale of every node.</summary>
    public long NodeScale { get; }

    /// <summary>L/t: what the nodes of one tree level spend.</summary>
    public double SpentPerLevel => MaxCountsPerUser / NodeScale;

    /// <summary>L·Levels/t &lt;= ε: what the day's T releases spend in all, the guarantee records carry.</summary>
    public double SpentPerDay => SpentPerLevel * Levels;

    /// <summary>What the first <paramref name="releases"/> releases of the day have spent: (floor(log2 s) + 1)·L/t, 0 before the first.</summary>
    public double SpentAfter(int releases)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(releases);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(releases, ReleasesPerDay);
        return releases == 0 ? 0 : BinaryTreeCounter.LevelsFor(releases) * SpentPerLevel;
    }
}
