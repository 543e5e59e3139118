using StreamRec.DriftDetector.Detection;

namespace StreamRec.Evaluation;

/// <summary>
/// KSWIN (Raab, Heusinger and Schleif 2020, river's <c>drift.KSWIN</c> with its defaults: window 100,
/// statistic sample 30; see <see cref="KolmogorovSmirnovWindow"/>) on StreamRec's drift
/// d_t = 1 - cos(s, l), computed as <see cref="PageHinkleyDetector"/> computes it, with the same warm-up,
/// cool-down and adoption of the new interest (l &lt;- s) on an alarm. The swept threshold is α: lower
/// means fewer alarms. An alarm is a change whose recent sample has the HIGHER mean of d, an increase;
/// a significant decrease (d falling back, as after every l &lt;- s) is expected and only shortens the
/// window, as river does on any change. After an alarm the window is emptied and held empty through
/// the cool-down (d restarts near 0 after l &lt;- s), so the next test comes 100 events after the
/// cool-down, and a user with fewer than 101 events is never tested. The score is 1 - p of the last test.
/// </summary>
public sealed class KswinDetector : IChangeDetector
{
    private readonly InterestVectors _vectors;
    private readonly DriftParameters _parameters;
    private readonly KolmogorovSmirnovWindow _window;
    private AlarmGuard _guard;

    /// <param name="parameters">Rates, warm-up and cool-down (StreamRec's).</param>
    /// <param name="dimension">D.</param>
    /// <param name="alpha">The test's level α.</param>
    /// <param name="seed">Seeds the draws of the older sample; each user's draws start again from it.</param>
    public KswinDetector(DriftParameters parameters, int dimension, double alpha, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        _parameters = parameters;
        _window = new KolmogorovSmirnovWindow(alpha, seed);
        _vectors = new InterestVectors(dimension, parameters.ShortRate, parameters.LongRate);
        _guard = new AlarmGuard(parameters.WarmUpEvents, parameters.CooldownEvents);
    }

    public void Reset()
    {
        _vectors.Clear();
        _window.Reset();
        _guard = new AlarmGuard(_parameters.WarmUpEvents, _parameters.CooldownEvents);
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

        if (state == GuardState.CoolingDown)
        {
            _window.Clear();
            return new DetectorStep(0, false);
        }

        var changed = _window.Update(drift);
        var score = 1 - _window.PValue;
        if (state != GuardState.Open || !changed || !_window.Increase)
        {
            return new DetectorStep(score, false);
        }

        _vectors.AdoptShort();
        _window.Clear();
        _guard.Fired();
        return new DetectorStep(score, true);
    }
}
