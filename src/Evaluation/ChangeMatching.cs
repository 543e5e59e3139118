namespace StreamRec.Evaluation;

/// <summary>
/// Matches alarms to true change points. Change c_j's window is events c_j .. c_j + maxDelay - 1,
/// cut short at the next change: the first alarm in it detects the change, with delay a - c_j + 1 (the
/// new interest's events seen, 1 = flagged on the first). Every other alarm is false: one before any
/// change or after a window, and also a second alarm inside a window, since it announces a change
/// already announced. So an alarm counts for at most one change, and a change is detected at most once.
/// A gradual change (one that takes span_j events to complete) gets a window of span_j + maxDelay events:
/// the ramp, then as long as an abrupt change gets.
/// </summary>
public static class ChangeMatching
{
    /// <param name="events">Events in the stream.</param>
    /// <param name="changes">Change points, increasing.</param>
    /// <param name="alarms">Alarm positions, increasing.</param>
    /// <param name="maxDelay">Longest delay that still detects an abrupt change.</param>
    /// <param name="spans">Per change, the events it takes (0 = abrupt), added to its window; null = all abrupt.</param>
    public static StreamOutcome Match(int events, IReadOnlyList<int> changes, IReadOnlyList<int> alarms, int maxDelay, IReadOnlyList<int>? spans = null)
    {
        var perChange = DelaysPerChange(changes, alarms, maxDelay, spans);
        int[] delays = [.. perChange.Where(d => d > 0)];
        return new StreamOutcome(events, changes.Count, delays, alarms.Count, alarms.Count - delays.Length);
    }

    /// <summary>Per change, in order, the delay of the alarm that detected it, or 0 when none did (same arguments as <see cref="Match"/>).</summary>
    public static int[] DelaysPerChange(IReadOnlyList<int> changes, IReadOnlyList<int> alarms, int maxDelay, IReadOnlyList<int>? spans = null)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(alarms);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, 1);
        RequireIncreasing(changes, nameof(changes));
        RequireIncreasing(alarms, nameof(alarms));
        if (spans is not null && (spans.Count != changes.Count || spans.Any(s => s < 0)))
        {
            throw new ArgumentException("One non-negative span per change.", nameof(spans));
        }

        var delays = new int[changes.Count];
        var next = 0; // first alarm not yet looked at
        for (var j = 0; j < changes.Count; j++)
        {
            var start = changes[j];
            var end = Math.Min(start + (spans?[j] ?? 0) + maxDelay - 1, j + 1 < changes.Count ? changes[j + 1] - 1 : int.MaxValue);
            while (next < alarms.Count && alarms[next] < start)
            {
                next++;
            }

            if (next < alarms.Count && alarms[next] <= end)
            {
                delays[j] = alarms[next] - start + 1;
                next++;
            }
        }

        return delays;
    }

    private static void RequireIncreasing(IReadOnlyList<int> positions, string name)
    {
        for (var i = 1; i < positions.Count; i++)
        {
            if (positions[i] <= positions[i - 1])
            {
                throw new ArgumentException("Positions must be strictly increasing.", name);
            }
        }
    }
}
