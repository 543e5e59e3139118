namespace StreamRec.Evaluation;

/// <summary>
/// A per-user change detector as the evaluation drives it: one event at a time, a score and an alarm
/// per event. One instance follows one user; <see cref="Reset"/> starts the next user.
/// </summary>
public interface IChangeDetector
{
    /// <summary>Forgets the user: the next event is a new user's first.</summary>
    void Reset();

    /// <summary>Applies one embedded event (unit vector) of type weight <paramref name="weight"/>.</summary>
    DetectorStep Step(ReadOnlySpan<float> embedding, float weight);
}
