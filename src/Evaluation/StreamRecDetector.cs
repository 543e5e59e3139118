using StreamRec.DriftDetector.Detection;
using StreamRec.Storage;

namespace StreamRec.Evaluation;

/// <summary>
/// StreamRec's own detector, unchanged: <see cref="InterestDriftDetector"/> on a fresh
/// <see cref="UserDriftState"/> per user (CUSUM on the self-normalised drift z). The score is the CUSUM S.
/// </summary>
public sealed class StreamRecDetector : IChangeDetector
{
    private readonly DriftParameters _parameters;
    private readonly InterestDriftDetector _detector;
    private readonly int _dimension;
    private UserDriftState _state;

    public StreamRecDetector(DriftParameters parameters, int dimension)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
        _detector = new InterestDriftDetector(parameters);
        _dimension = dimension;
        _state = UserDriftState.New(dimension, parameters);
    }

    /// <summary>The detector's full output for the last event (d, z, S), for timelines.</summary>
    public DriftStep Last { get; private set; }

    /// <summary>The threshold the last event was judged against: h grown with the user's events.</summary>
    public double Threshold => _parameters.ThresholdAfter(_state.Events);

    public void Reset()
    {
        _state = UserDriftState.New(_dimension, _parameters);
        Last = default;
    }

    public DetectorStep Step(ReadOnlySpan<float> embedding, float weight)
    {
        Last = _detector.Apply(_state, embedding, weight);
        return new DetectorStep(Last.Cusum, Last.Mutation);
    }
}
