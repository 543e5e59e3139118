namespace StreamRec.Evaluation;

/// <summary>
/// The warm-up and cool-down of <see cref="DriftDetector.Detection.InterestDriftDetector"/>, for the baselines, so
/// that every detector is held back on exactly the same events: never on a user's first event, not
/// before event <c>warmUp</c>, and not on the <c>cooldown</c> events after an alarm.
/// </summary>
internal struct AlarmGuard(int warmUp, int cooldown)
{
    private long _events;
    private int _cooldownLeft;

    /// <summary>Counts one event and says what the detector may do on it.</summary>
    public GuardState Next()
    {
        _events++;
        if (_events == 1)
        {
            return GuardState.FirstEvent;
        }

        if (_cooldownLeft > 0)
        {
            _cooldownLeft--;
            return GuardState.CoolingDown;
        }

        return _events >= warmUp ? GuardState.Open : GuardState.WarmingUp;
    }

    public void Fired() => _cooldownLeft = cooldown;
}
