namespace StreamRec.Evaluation;

/// <summary>Where an event falls for <see cref="AlarmGuard"/>.</summary>
internal enum GuardState
{
    /// <summary>A user's first event: both interest vectors point the same way, so d = 0 says nothing.</summary>
    FirstEvent,

    /// <summary>Before the warm-up's end: the statistic accumulates, no alarm.</summary>
    WarmingUp,

    /// <summary>Inside the cool-down after an alarm: the accumulator is held at zero, no alarm.</summary>
    CoolingDown,

    /// <summary>An alarm is allowed.</summary>
    Open,
}
