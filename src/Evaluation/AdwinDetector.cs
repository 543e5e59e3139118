using StreamRec.DriftDetector.Detection;

namespace StreamRec.Evaluation;

/// <summary>
/// ADWIN (Bifet and Gavaldà 2007, river's <c>drift.ADWIN</c> with its defaults: clock 32, 5 buckets
/// per row, sub-windows of at least 5, grace period 10; see <see cref="AdaptiveWindow"/>) on StreamRec's
/// drift d_t = 1 - cos(s, l), computed as <see cref="PageHinkleyDetector"/> computes it, with the same
/// warm-up, cool-down and adoption of the new interest (l &lt;- s) on an alarm. The swept threshold is δ:
/// lower means fewer alarms. An alarm is a cut whose newer sub-window has the HIGHER mean of d, an
/// increase: s moving away from l is what a change of interest looks like, while a decrease (d falling
/// back, as it does after every l &lt;- s) is expected and only shrinks the window, as in river. After
/// an alarm the window is emptied and held empty through the cool-down (d restarts near 0 after
/// l &lt;- s and climbs back, which ADWIN would read as an increase), like Page-Hinkley's accumulator. The
/// score is <see cref="AdaptiveWindow.Evidence"/> at the last check: the largest increase of the mean
/// beyond ε_cut, positive exactly when an increase is cut.
/// </summary>
public sealed class AdwinDetector : IChangeDetector
{
    private readonly InterestVectors _vectors;
    private readonly DriftParameters _parameters;
    private readonly AdaptiveWindow _window;
    private AlarmGuard _guard;

    /// <param name="parameters">Rates, warm-up and cool-down (StreamRec's).</param>
    /// <param name="dimension">D.</param>
    /// <param name="delta">ADWIN's confidence δ in (0, 1).</param>
    public AdwinDetector(DriftParameters parameters, int dimension, double delta)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        _parameters = parameters;
        _window = new AdaptiveWindow(delta);
        _vectors = new InterestVectors(dimension, parameters.ShortRate, parameters.LongRate);
        _guard = new AlarmGuard(parameters.WarmUpEvents, parameters.CooldownEvents);
    }

    public void Reset()
    {
        _vectors.Clear();
        _window.Clear();
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

        _window.Update(drift);
        var score = _window.Evidence;
        if (state != GuardState.Open || !_window.IncreaseDetected)
        {
            return new DetectorStep(score, false);
        }

        _vectors.AdoptShort();
        _window.Clear();
        _guard.Fired();
        return new DetectorStep(score, true);
    }
}
