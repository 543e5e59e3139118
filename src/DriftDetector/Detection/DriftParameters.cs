namespace StreamRec.DriftDetector.Detection;

/// <summary>
/// Parameters of the per-user drift statistic (DESIGN.md, DriftDetector). The CUSUM defaults (k = 1.5,
/// h = 10) come from a first sweep on synthetic 16-dimensional streams (10 seeds; two-interest stationary
/// users and a switch after 200 events): 0.05 false alarms per 1,000 events, 9 of 10 switches found,
/// median delay 3 events; k = 0.5, h = 8 gave ~4 false alarms per 1,000. They are provisional until the
/// evaluation against ground truth calibrates them.
/// </summary>
public sealed record DriftParameters
{
    /// <summary>a_s: weight of a new event in the short-horizon interest vector.</summary>
    public float ShortRate { get; init; } = 0.3f;

    /// <summary>a_l: weight of a new event in the long-horizon interest vector (must be below <see cref="ShortRate"/>).</summary>
    public float LongRate { get; init; } = 0.03f;

    /// <summary>Weight of a new drift value in the user's running mean and variance of d.</summary>
    public double DriftStatsRate { get; init; } = 0.02;

    /// <summary>Population prior of d for a new user: mean, standard deviation and weight in pseudo-events.</summary>
    public double PriorMean { get; init; } = 0.1;

    public double PriorStandardDeviation { get; init; } = 0.1;

    public double PriorWeight { get; init; } = 10;

    /// <summary>Floor of the standard deviation in the z-score (a user whose d never moved does not divide by ~0).</summary>
    public double MinStandardDeviation { get; init; } = 0.01;

    /// <summary>k: CUSUM reference value (the drift in z per event that is still "no change").</summary>
    public double CusumSlack { get; init; } = 1.5;

    /// <summary>h: CUSUM threshold; a mutation is flagged when S exceeds it.</summary>
    public double CusumThreshold { get; init; } = 10;

    /// <summary>Events a user needs before any mutation can be flagged.</summary>
    public int WarmUpEvents { get; init; } = 20;

    /// <summary>Events after a mutation during which no other one is flagged.</summary>
    public int CooldownEvents { get; init; } = 20;

    public void Validate()
    {
        if (!(LongRate > 0 && LongRate < ShortRate && ShortRate <= 1))
        {
            throw new ArgumentException("DriftDetector: rates must satisfy 0 < LongRate < ShortRate <= 1.");
        }

        if (!(DriftStatsRate is > 0 and <= 1) || PriorStandardDeviation <= 0 || PriorWeight < 0 || MinStandardDeviation <= 0
            || CusumSlack < 0 || CusumThreshold <= 0 || WarmUpEvents < 0 || CooldownEvents < 0)
        {
            throw new ArgumentException("DriftDetector: a parameter is out of range (rates in (0, 1], deviations > 0, counts >= 0, threshold > 0).");
        }
    }
}
