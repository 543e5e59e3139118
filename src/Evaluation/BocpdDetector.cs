using StreamRec.DriftDetector.Detection;

namespace StreamRec.Evaluation;

/// <summary>
/// Bayesian online changepoint detection (Adams and MacKay 2007; see <see cref="RunLengthPosterior"/>)
/// on x_t = cos(e_t, l_{t-1}), the similarity of each event to the user's long-horizon interest BEFORE
/// the event is blended into it (<see cref="InterestVectors.LongSimilarity"/>): on a change of interest
/// x drops at once, while l still points at the old interest. The model is a Gaussian with unknown mean
/// and precision under a Normal-Gamma prior μ0 = 0 (an event unrelated to the interest; cosines lie in
/// [-1, 1]), κ0 = 1 (the mean is worth one observation, so a run's mean is soon its data's), α0 = 1 and
/// β0 = 0.1 (a new run's predictive is Student-t with 2 degrees of freedom and scale sqrt(β0 (κ0 + 1) /
/// (α0 κ0)) = 0.45: weak, a new segment may lie almost anywhere in [-1, 1] until its first events say
/// where; β0 = 0.01 would tie a new segment to about 0 and slow every change that does not end there),
/// a constant hazard H = 1/250 (about one change per user history of a few hundred events) and
/// run lengths truncated at R_max = 300 (mass beyond folded into the last cell). An alarm needs the
/// posterior probability of a change within the last 5 events, P(r_t &lt; 5), above θ (the score), AND
/// the similarity to have FALLEN at that change (<see cref="RunLengthPosterior.ShortRunShift"/> below 0):
/// a rise is a return to focus, not a new interest. The swept threshold is -log10(1 - θ), so that
/// 0.99, 0.999 and 0.9999 are evenly spaced. Warm-up, cool-down and adoption (l &lt;- s) are
/// StreamRec's; on an alarm the run length restarts at 0 with the prior. The first event (l = 0) is left
/// out. Through the cool-down the posterior goes on learning the new segment.
/// </summary>
public sealed class BocpdDetector : IChangeDetector
{
    /// <summary>H.</summary>
    public const double Hazard = 1.0 / 250;

    /// <summary>R_max.</summary>
    public const int MaxRunLength = 300;

    /// <summary>A change "within the last RecentRuns events" is r_t below this.</summary>
    public const int RecentRuns = 5;

    private readonly InterestVectors _vectors;
    private readonly DriftParameters _parameters;
    private readonly RunLengthPosterior _posterior = new(Hazard, MaxRunLength, mean0: 0, kappa0: 1, beta0: 0.1);
    private readonly double _theta;
    private AlarmGuard _guard;

    /// <param name="parameters">Rates, warm-up and cool-down (StreamRec's).</param>
    /// <param name="dimension">D.</param>
    /// <param name="theta">θ: the alarm threshold on P(r_t &lt; 5).</param>
    public BocpdDetector(DriftParameters parameters, int dimension, double theta)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        _parameters = parameters;
        _theta = theta;
        _vectors = new InterestVectors(dimension, parameters.ShortRate, parameters.LongRate);
        _guard = new AlarmGuard(parameters.WarmUpEvents, parameters.CooldownEvents);
    }

    /// <summary>θ = 1 - 10^-<paramref name="level"/>: the threshold at a point of the sweep.</summary>
    public static double Theta(double level) => 1 - Math.Pow(10, -level);

    public void Reset()
    {
        _vectors.Clear();
        _posterior.Restart();
        _guard = new AlarmGuard(_parameters.WarmUpEvents, _parameters.CooldownEvents);
    }

    public DetectorStep Step(ReadOnlySpan<float> embedding, float weight)
    {
        var similarity = _vectors.LongSimilarity(embedding);
        _vectors.Apply(embedding, weight);
        var state = _guard.Next();
        if (state == GuardState.FirstEvent)
        {
            return new DetectorStep(0, false);
        }

        _posterior.Update(similarity);
        var score = _posterior.ShortRunProbability(RecentRuns);
        if (state != GuardState.Open || score <= _theta || _posterior.ShortRunShift(RecentRuns) >= 0)
        {
            return new DetectorStep(score, false);
        }

        _vectors.AdoptShort();
        _posterior.Restart();
        _guard.Fired();
        return new DetectorStep(score, true);
    }
}
