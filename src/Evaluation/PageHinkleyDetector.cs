using StreamRec.DriftDetector.Detection;

namespace StreamRec.Evaluation;

/// <summary>
/// Page-Hinkley (Page 1954; the streaming form of Gama et al. and river's <c>PageHinkley</c>) on
/// StreamRec's own drift d_t = 1 - cos(s, l): x̄_t is the running mean of d including d_t,
/// m_t = m_{t-1} + d_t - x̄_t - δ, M_t = min(M_{t-1}, m_t), and an alarm when m_t - M_t &gt; λ.
/// s, l and d are computed exactly as <see cref="InterestDriftDetector"/> does, with its warm-up and
/// cool-down, and on an alarm it adopts the new interest as StreamRec does (l &lt;- s) and restarts
/// m and M (held at zero through the cool-down, like StreamRec's S). Two choices differ from the
/// textbook reset, both in the baseline's favour: the mean x̄ is NOT restarted, because after l &lt;- s
/// d restarts near 0 and climbs back to its usual level over about 1/a_l events, which a restarted mean
/// would read as an increase and flag; and the first event (d = 0 by construction) is left out, as
/// StreamRec leaves it out of its statistics.
/// </summary>
public sealed class PageHinkleyDetector : IChangeDetector
{
    private readonly InterestVectors _vectors;
    private readonly DriftParameters _parameters;
    private readonly double _delta;
    private readonly double _lambda;
    private AlarmGuard _guard;
    private long _samples;
    private double _mean;
    private double _sum;
    private double _minimum;

    /// <param name="parameters">Rates, warm-up and cool-down (StreamRec's).</param>
    /// <param name="dimension">D.</param>
    /// <param name="delta">δ: the tolerated drift of d per event.</param>
    /// <param name="lambda">λ: the alarm threshold on m_t - M_t.</param>
    public PageHinkleyDetector(DriftParameters parameters, int dimension, double delta, double lambda)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        _parameters = parameters;
        _delta = delta;
        _lambda = lambda;
        _vectors = new InterestVectors(dimension, parameters.ShortRate, parameters.LongRate);
        _guard = new AlarmGuard(parameters.WarmUpEvents, parameters.CooldownEvents);
    }

    public void Reset()
    {
        _vectors.Clear();
        _guard = new AlarmGuard(_parameters.WarmUpEvents, _parameters.CooldownEvents);
        (_samples, _mean, _sum, _minimum) = (0, 0, 0, 0);
    }

    public DetectorStep Step(ReadOnlySpan<float> embedding, float weight)
    {
        _vectors.Apply(embedding, weight);
        var drift = _vectors.Drift();
        var state = _guard.Next();
        if (state == GuardState.FirstEvent)
        {
            return new DetectorStep(0, false);
        }

        _samples++;
        _mean += (drift - _mean) / _samples;
        _sum += drift - _mean - _delta;
        _minimum = Math.Min(_minimum, _sum);
        if (state == GuardState.CoolingDown)
        {
            (_sum, _minimum) = (0, 0);
            return new DetectorStep(0, false);
        }

        var score = _sum - _minimum;
        if (state != GuardState.Open || score <= _lambda)
        {
            return new DetectorStep(score, false);
        }

        _vectors.AdoptShort();
        (_sum, _minimum) = (0, 0);
        _guard.Fired();
        return new DetectorStep(score, true);
    }
}
