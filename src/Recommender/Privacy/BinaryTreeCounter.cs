using System.Numerics;

namespace StreamRec.Recommender.Privacy;

/// <summary>
/// A counter released at every step of a finite horizon under continual observation: the binary-tree
/// mechanism (Dwork, Naor, Pitassi and Rothblum 2010; Chan, Shi and Song 2011, "Private and Continual
/// Release of Statistics"). Step t's increment is added to one node per level of a binary tree over the
/// steps 1..T; each node, once complete, is released once with its own discrete Laplace noise, and the
/// count after step t is the sum of the noisy nodes named by the set bits of t: popcount(t) noise terms,
/// at most <see cref="Levels"/>.
/// <para>
/// <b>Sensitivity.</b> Every increment enters exactly one node per level, so a neighbour whose
/// increments differ by at most Δ in total (L1, over the whole horizon and, when several counters share
/// the guarantee, over all of them) changes the nodes of each level by at most Δ, and all nodes by at most
/// Δ·Levels. Node noise of scale t ≥ Δ·Levels/ε makes the whole sequence of T releases ε-DP (the discrete
/// Laplace mechanism on the vector of nodes; the releases are post-processing of the nodes).
/// <see cref="BillboardAccountant"/> computes that t and what it spends; the caller supplies Δ, which is where the per-user
/// contribution bound (<see cref="ContributionBound"/>) comes in.
/// </para>
/// </summary>
public sealed class BinaryTreeCounter
{
    private readonly long[] _exact;
    private readonly long[] _noisy;
    private readonly long _scale;
    private readonly IRandomSource _random;
    private int _step;

    /// <param name="horizon">T, the number of steps (releases) the guarantee covers.</param>
    /// <param name="scale">Discrete Laplace scale of each node's noise, in counts (see <see cref="NodeScale"/>).</param>
    /// <param name="random">Noise source: <see cref="CryptoRandomSource"/> in anything released.</param>
    public BinaryTreeCounter(int horizon, long scale, IRandomSource random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        Horizon = horizon;
        Levels = LevelsFor(horizon);
        _exact = new long[Levels];
        _noisy = new long[Levels];
        _scale = scale;
        _random = random;
    }

    public int Horizon { get; }

    /// <summary>Tree levels, floor(log2 T) + 1: how many nodes one increment enters.</summary>
    public int Levels { get; }

    /// <summary>Steps taken so far.</summary>
    public int Step => _step;

    /// <summary>floor(log2 T) + 1.</summary>
    public static int LevelsFor(int horizon)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        return BitOperations.Log2((uint)horizon) + 1;
    }

    /// <summary>
    /// The node scale ceil(Δ·Levels/ε) that makes all T releases ε-DP for inputs whose increments differ
    /// by at most Δ in L1 between neighbours; the accounting itself lives in <see cref="BillboardAccountant"/>.
    /// </summary>
    public static long NodeScale(int horizon, double epsilon, double sensitivity) =>
        new BillboardAccountant(epsilon, sensitivity, horizon).NodeScale;

    /// <summary>
    /// The nodes whose noise enters the release after step <paramref name="step"/>: for each set bit j of
    /// t, the node of level j that covers steps (t - 2^j, t] with the bits below j cleared, named by
    /// (level j, index i) where the node covers steps (i 2^j, (i + 1) 2^j]. Highest level first. This is
    /// the dyadic decomposition of 1..t that <see cref="Add"/> sums; a counter whose state lives elsewhere
    /// (the billboard's, in Redis) releases <c>exact prefix sum + the noise of these nodes</c>.
    /// </summary>
    public static (int Level, int Index)[] NodesOf(int step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        var nodes = new (int, int)[BitOperations.PopCount((uint)step)];
        var n = 0;
        for (var j = 31 - BitOperations.LeadingZeroCount((uint)step); j >= 0; j--)
        {
            if ((step & (1 << j)) != 0)
            {
                nodes[n++] = (j, (step >> j) - 1);
            }
        }

        return nodes;
    }

    /// <summary>
    /// The node that <see cref="Add"/> completes (and draws noise for) at step <paramref name="step"/>:
    /// level = trailing zeros of t, index = t / 2^level - 1.
    /// </summary>
    public static (int Level, int Index) NodeCompletedAt(int step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        var level = BitOperations.TrailingZeroCount(step);
        return (level, (step >> level) - 1);
    }

    /// <summary>Adds step t's increment and returns the released (noisy) count after step t.</summary>
    public long Add(long increment)
    {
        if (_step == Horizon)
        {
            throw new InvalidOperationException($"the counter's horizon of {Horizon} steps is used up; its guarantee covers no more releases");
        }

        _step++;

        // The node completed at step t is at the level of t's lowest set bit; it absorbs the lower levels.
        var level = BitOperations.TrailingZeroCount(_step);
        var sum = increment;
        for (var j = 0; j < level; j++)
        {
            sum += _exact[j];
            _exact[j] = 0;
            _noisy[j] = 0;
        }

        _exact[level] = sum;
        _noisy[level] = sum + DiscreteLaplace.Sample(_random, _scale);

        long released = 0;
        for (var j = 0; j < Levels; j++)
        {
            if ((_step & (1 << j)) != 0)
            {
                released += _noisy[j];
            }
        }

        return released;
    }
}
