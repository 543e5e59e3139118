using StreamRec.DriftDetector.Detection;

namespace StreamRec.Evaluation;

/// <summary>
/// The naive rule StreamRec is compared with: an alarm when the norm of the change between consecutive
/// short-horizon interest vectors, ||s_t - s_{t-1}||, exceeds a threshold. s is StreamRec's own EWMA
/// vector (rate a_s, event weights included) and the warm-up and cool-down are StreamRec's, so the only
/// difference is the statistic. (||s_t - s_{t-1}|| = a_s ||w e_t - s_{t-1}||: it reacts to every
/// off-interest item, which is why DESIGN.md normalises against the user's own history instead.)
/// </summary>
public sealed class ConsecutiveChangeDetector : IChangeDetector
{
    private readonly InterestVectors _vectors;
    private readonly double _threshold;
    private readonly DriftParameters _parameters;
    private AlarmGuard _guard;

    public ConsecutiveChangeDetector(DriftParameters parameters, int dimension, double threshold)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        _parameters = parameters;
        _threshold = threshold;
        _vectors = new InterestVectors(dimension, parameters.ShortRate, parameters.LongRate);
        _guard = new AlarmGuard(parameters.WarmUpEvents, parameters.CooldownEvents);
    }

    public void Reset()
    {
        _vectors.Clear();
        _guard = new AlarmGuard(_parameters.WarmUpEvents, _parameters.CooldownEvents);
    }

    public DetectorStep Step(ReadOnlySpan<float> embedding, float weight)
    {
        _vectors.Apply(embedding, weight);
        var score = _vectors.ShortChange();
        if (_guard.Next() != GuardState.Open || score <= _threshold)
        {
            return new DetectorStep(score, false);
        }

        _guard.Fired();
        return new DetectorStep(score, true);
    }
}
