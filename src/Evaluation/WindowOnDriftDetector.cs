using StreamRec.DriftDetector.Detection;

namespace StreamRec.Evaluation;

/// <summary>
/// A window test on StreamRec's drift d_t = 1 - cos(s, l) (ADWIN, KSWIN), computed as
/// <see cref="PageHinkleyDetector"/> computes it, with the same warm-up, cool-down and adoption of the new
/// interest (l &lt;- s) on an alarm. An alarm is a change the test finds to be an INCREASE of d. After an
/// alarm the window is emptied and held empty through the cool-down: d restarts near 0 after l &lt;- s and
/// climbs back, which the test would read as an increase.
/// </summary>
public abstract class WindowOnDriftDetector : IChangeDetector
{
    private readonly InterestVectors _vectors;
    private readonly DriftParameters _parameters;
    private AlarmGuard _guard;

    /// <param name="parameters">Rates, warm-up and cool-down (StreamRec's).</param>
    /// <param name="dimension">D.</param>
    protected WindowOnDriftDetector(DriftParameters parameters, int dimension)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        _parameters = parameters;
        _vectors = new InterestVectors(dimension, parameters.ShortRate, parameters.LongRate);
        _guard = new AlarmGuard(parameters.WarmUpEvents, parameters.CooldownEvents);
    }

    public void Reset()
    {
        _vectors.Clear();
        StartUser();
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
            EmptyWindow();
            return new DetectorStep(0, false);
        }

        var (score, increase) = Observe(drift);
        if (state != GuardState.Open || !increase)
        {
            return new DetectorStep(score, false);
        }

        _vectors.AdoptShort();
        EmptyWindow();
        _guard.Fired();
        return new DetectorStep(score, true);
    }

    /// <summary>Adds d to the window and tests it: the score, and whether the test found an increase of d.</summary>
    protected abstract (double Score, bool Increase) Observe(double drift);

    /// <summary>Empties the window (after an alarm and through the cool-down).</summary>
    protected abstract void EmptyWindow();

    /// <summary>Forgets the user: the next value is a new user's first.</summary>
    protected abstract void StartUser();
}
