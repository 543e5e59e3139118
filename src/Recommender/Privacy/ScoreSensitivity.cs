namespace StreamRec.Recommender.Privacy;

/// <summary>
/// The sensitivity Δ of a score u(i) = &lt;s, e_i&gt; to one event, derived from the interest-vector update
/// rule (docs/privacy.md, "Sensitivity"). The Recommender releases from the UNNORMALISED short-horizon
/// vector s at the mutation, which the DriftDetector keeps as
/// s_t = (1 - a) s_(t-1) + a w_t e_t,  s_0 = 0,  so  s_t = sum over j &lt;= t of a (1 - a)^(t-j) w_j e_j,
/// with unit event embeddings e_j and weights w_j in (0, w_max].
/// <para>
/// Replacing event j by another (e'_j, w'_j) changes only its term:
/// s - s' = a (1 - a)^(t-j) (w_j e_j - w'_j e'_j), and since (1 - a)^(t-j) &lt;= 1 and w &lt;= w_max,
/// ||s - s'|| &lt;= a (||w_j e_j|| + ||w'_j e'_j||) &lt;= 2 a w_max. For a unit item vector e_i,
/// |u(i) - u'(i)| = |&lt;s - s', e_i&gt;| &lt;= ||s - s'|| ||e_i|| &lt;= 2 a w_max = Δ (Cauchy-Schwarz). The bound is
/// attained: the last event e replaced by -e at w_max moves the score of item e by exactly 2 a w_max.
/// Inserting or removing one event gives the same bound: the difference is a (1 - a)^(t+1-j) (x - s_(j-1))
/// with ||x - s_(j-1)|| &lt;= 2 w_max.
/// </para>
/// <para>
/// Why not the normalised vector s/||s||: its sensitivity is not bounded by anything small. A user with
/// one event has s = a w e; replacing that event by -e flips s/||s|| to its opposite and moves every
/// score by up to 2 (the whole range), and in general one event moves the direction by an amount that
/// grows as ||s|| shrinks. Nor the long-horizon vector l: the detector sets l &lt;- s at a mutation, and
/// whether and when a mutation happens depends on the events, so one event can move l by ||s - l||, up
/// to 2 w_max.
/// </para>
/// </summary>
public static class ScoreSensitivity
{
    /// <summary>a_s, the DriftDetector's short-horizon rate (DriftParameters.ShortRate).</summary>
    public const double ShortRate = 0.3;

    /// <summary>w_max: Ingest's event-type weights lie in (0, 1] (purchase = 1).</summary>
    public const double MaxWeight = 1;

    /// <summary>Δ = 2 a_s w_max = 0.6 for scores on the short-horizon vector at the defaults.</summary>
    public static double Default { get; } = ForEwma(ShortRate, MaxWeight);

    /// <summary>
    /// Δ of a score &lt;s, e_i&gt; under replacing one event: 2 * a * w_max, where a is the rate of the
    /// vector released from (for s, a_s) and w_max the largest event weight.
    /// </summary>
    public static double ForEwma(double rate, double maxWeight)
    {
        if (!(rate is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The rate must be in (0, 1].");
        }

        if (!(maxWeight > 0 && double.IsFinite(maxWeight)))
        {
            throw new ArgumentOutOfRangeException(nameof(maxWeight), maxWeight, "The largest weight must be positive and finite.");
        }

        return 2 * rate * maxWeight;
    }

    /// <summary>
    /// A bound η on how much float32 arithmetic can add to the difference of two neighbours' COMPUTED
    /// scores beyond the exact Δ. The mechanisms' "+1 grid unit" absorbs it while η &lt; g
    /// (<see cref="ScoreGrid.Unit"/>), which holds at the defaults up to D = 2048; the stage should check it
    /// once at start. With u = 2^-24 and gamma_n = n u/(1 - n u) (Higham, Accuracy and Stability of
    /// Numerical Algorithms, 3.1; valid for any summation order, SIMD lanes and FMA included):
    /// <list type="bullet">
    /// <item>embeddings normalised in float32 have norm &lt;= 1 + δ, δ = gamma_(D+2);</item>
    /// <item>the float EWMA: each step adds an error of norm &lt;= gamma_2 ||s||, damped by (1 - a) per step,
    /// so the stored vector is within E = gamma_2 B / a of the exact recurrence, B = w_max (1 + δ + 2 gamma_2/a)
    /// bounding its norm;</item>
    /// <item>each computed dot product is within gamma_D B (1 + δ) of the exact one;</item>
    /// <item>the float rate and the product a*w are rounded (relative u each), and norms exceed 1 by δ.</item>
    /// </list>
    /// η = 2 gamma_D B (1 + δ) + 2 E (1 + δ) + 2 a w_max ((1 + u)^2 (1 + δ)^2 - 1).
    /// </summary>
    public static double Float32RoundingBound(int dimension, double rate, double maxWeight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        var delta = ForEwma(rate, maxWeight); // validates rate and weight
        const double u = 1.0 / (1 << 24);
        static double Gamma(double n) => n * u / (1 - (n * u));
        var unitNormError = Gamma(dimension + 2);
        var bound = maxWeight * (1 + unitNormError + (2 * Gamma(2) / rate));
        var ewmaError = Gamma(2) * bound / rate;
        return (2 * Gamma(dimension) * bound * (1 + unitNormError))
            + (2 * ewmaError * (1 + unitNormError))
            + (delta * (((1 + u) * (1 + u) * (1 + unitNormError) * (1 + unitNormError)) - 1));
    }
}
