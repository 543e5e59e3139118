using System.Buffers;
using System.Runtime.CompilerServices;
using StreamRec.Recommender.Scoring;

namespace StreamRec.Recommender.Privacy;

/// <summary>
/// Epsilon-differentially private top-K by peeling report-noisy-max (Dwork and Roth 2014, 3.3; Durfee
/// and Rogers 2019): K rounds; in each, every remaining candidate's score is snapped to the grid
/// (<see cref="ScoreGrid"/>), fresh discrete Laplace noise is added, and the noisy argmax (ties broken
/// uniformly at random) is output and removed. Proof sketch (docs/privacy.md, "Selection"):
/// <list type="bullet">
/// <item>Snapped scores of neighbours differ by at most S = ceil(Δ/g) + 1 units each (Δ + g).</item>
/// <item>One round with noise DLap(t): fix every other candidate's noise; let M be the best of them and
/// v = M - c_i. Candidate i wins with probability between P(Z &gt; v) and P(Z &gt;= v) whatever the ties.
/// Under a neighbour, v moves by at most 2S (c_i by S, M by S: the scores are not monotone in the data,
/// hence 2S and not S), and the discrete Laplace tail satisfies P(Z &gt;= a + 1) &gt;= exp(-1/t) P(Z &gt;= a),
/// so the probability changes by a factor of at most exp((2S + 1)/t). With t = ceil((2S + 1)/(ε/K)) a
/// round is ε/K-DP (the "+1" pays for ties on the integer grid).</item>
/// <item>Round r runs on the candidates left after rounds 1..r-1, a function of earlier outputs only, so
/// by adaptive composition the K rounds are ε-DP, and the ordered list is what is released.</item>
/// </list>
/// Scale in score units: t g ≈ 2 (Δ + g) K/ε, i.e. 2 Δ/(ε/K) as in the textbook mechanism.
/// <para>
/// What the caller must keep: Δ bounds the change of EVERY score under the neighbouring relation
/// (<see cref="ScoreSensitivity.ForEwma"/>; 0.6 for the short-horizon vector), and float32 rounding of
/// the scores stays below one grid unit (<see cref="ScoreSensitivity.Float32RoundingBound"/> &lt;
/// <see cref="ScoreGrid.Unit"/>: true up to D = 2048 at the defaults); the candidate set and
/// <c>excluded</c> are public (not computed from the user's events: "already seen" items are private,
/// and excluding them makes the guarantee void unless it is accounted separately); the random source is
/// <see cref="CryptoRandomSource"/>. Stateless and thread-safe.
/// </para>
/// </summary>
public sealed class PrivateTopK
{
    public const string MechanismName = "peeling-report-noisy-max/discrete-laplace";

    /// <summary>Candidates whose noise is drawn in full first, so that the running maximum is high early (see <see cref="NoisyArgmax"/>).</summary>
    private const int LeadCandidates = 16;

    private const byte Candidate = 0;
    private const byte Lead = 1;
    private const byte Gone = 2;

    /// <summary>The per-round noise scale in grid units: t = ceil((2S + 1)/(ε/K)), S = <see cref="ScoreGrid.SensitivityUnits"/>(Δ).</summary>
    public static long NoiseScaleUnits(int k, double epsilon, double sensitivity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (!(double.IsFinite(epsilon) && epsilon > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must be positive and finite.");
        }

        var perRound = epsilon / k;
        double numerator = (2 * ScoreGrid.SensitivityUnits(sensitivity)) + 1;
        var scale = Math.Ceiling(numerator / perRound);
        // The quotient is rounded; make sure the scale really reaches (2S + 1)/(ε/K), so that the round's
        // true epsilon (2S + 1)/t is never above the one charged.
        while (numerator / scale > perRound)
        {
            scale++;
        }

        if (scale > DiscreteLaplace.MaxScale)
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon is too small for the sampler (noise scale above 2^40 grid units).");
        }

        return (long)scale;
    }

    /// <summary>
    /// Peeling report-noisy-max: K rounds, each round epsilon/K: every remaining candidate's score snapped
    /// to a power-of-two grid + fresh discrete Laplace noise of scale ceil((2S + 1)/(ε/K)) grid units
    /// (S = Δ + g in units), the argmax (ties uniformly at random) is taken and removed.
    /// </summary>
    /// <param name="scores">One score per candidate row, all finite.</param>
    /// <param name="k">Rows wanted; fewer are returned only when fewer candidates exist (a public fact).</param>
    /// <param name="epsilon">Total epsilon of the selection (ε/K per round).</param>
    /// <param name="sensitivity">Δ: the most any one score can change between neighbouring histories.</param>
    /// <param name="random">The noise source: <see cref="CryptoRandomSource"/> for anything released.</param>
    /// <param name="excluded">Rows that are not candidates. Must not depend on the user's events (see the class notes).</param>
    public PrivateSelection Select(ReadOnlySpan<float> scores, int k, double epsilon, double sensitivity, IRandomSource random, IReadOnlySet<int>? excluded = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        var scale = (ulong)NoiseScaleUnits(k, epsilon, sensitivity);
        var unit = ScoreGrid.Unit(sensitivity);
        var n = scores.Length;
        var units = ArrayPool<long>.Shared.Rent(n);
        var status = ArrayPool<byte>.Shared.Rent(n);
        try
        {
            // Snap every score (validating all of them, candidates or not, so the checks do not depend on
            // which rows are excluded).
            for (var row = 0; row < n; row++)
            {
                units[row] = ScoreGrid.Snap(scores[row], unit);
                status[row] = Candidate;
            }

            var candidates = n;
            if (excluded is not null)
            {
                foreach (var row in excluded)
                {
                    if ((uint)row < (uint)n && status[row] == Candidate)
                    {
                        status[row] = Gone;
                        candidates--;
                    }
                }
            }

            var rounds = Math.Min(k, candidates);
            var lead = CandidateScores.TopK(scores, Math.Min(candidates, rounds + LeadCandidates), excluded);
            foreach (var row in lead)
            {
                status[row] = Lead;
            }

            var bits = new RandomBits(random);
            var rows = new int[rounds];
            for (var r = 0; r < rounds; r++)
            {
                rows[r] = NoisyArgmax(units, status, lead, n, scale, ref bits);
                status[rows[r]] = Gone;
            }

            return new PrivateSelection(rows, rounds * (epsilon / k), MechanismName);
        }
        finally
        {
            // Snapped scores are the user's private data: do not leave them in a shared pool.
            ArrayPool<long>.Shared.Return(units, clearArray: true);
            ArrayPool<byte>.Shared.Return(status);
        }
    }

    /// <summary>
    /// One round: the argmax over remaining rows of c_j + Z_j, Z_j iid DLap(scale), ties uniformly at
    /// random. Exactly that distribution, drawn economically: rows are visited in any fixed order (the
    /// noise is iid, so the order changes nothing but cost), keeping the running maximum M. A row whose
    /// snapped score c_j is below M needs only to know whether Z_j &gt;= M - c_j
    /// (<see cref="DiscreteLaplace.TrySampleAtLeast"/>, a few bits), and its exact noise only when it is;
    /// visiting the best-scored rows first makes M high early, so that most rows take the cheap path. Ties
    /// at the maximum are resolved by reservoir sampling (the m-th tying row replaces the current winner
    /// with probability 1/m), which picks uniformly among all tied rows.
    /// </summary>
    private static int NoisyArgmax(long[] units, byte[] status, int[] lead, int n, ulong scale, ref RandomBits bits)
    {
        var best = -1;
        var max = long.MinValue;
        ulong ties = 0;
        foreach (var row in lead)
        {
            if (status[row] == Lead)
            {
                Visit(row, units[row], scale, ref bits, ref best, ref max, ref ties);
            }
        }

        for (var row = 0; row < n; row++)
        {
            if (status[row] == Candidate)
            {
                Visit(row, units[row], scale, ref bits, ref best, ref max, ref ties);
            }
        }

        return best;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Visit(int row, long score, ulong scale, ref RandomBits bits, ref int best, ref long max, ref ulong ties)
    {
        long value;
        var threshold = best < 0 ? 0 : max - score;
        if (threshold <= 0)
        {
            value = score + DiscreteLaplace.Sample(ref bits, scale);
        }
        else if (DiscreteLaplace.TrySampleAtLeast(ref bits, scale, (ulong)threshold, out var noise))
        {
            value = score + noise;
        }
        else
        {
            return;
        }

        if (best < 0 || value > max)
        {
            best = row;
            max = value;
            ties = 1;
        }
        else if (value == max)
        {
            ties++;
            if (bits.UniformBelow(ties) == 0)
            {
                best = row;
            }
        }
    }
}
