namespace StreamRec.Evaluation;

/// <summary>
/// Matches alarms to true change points. Change c_j's window is events c_j .. c_j + maxDelay - 1,
/// cut short at the next change: the first alarm in it detects the change, with delay a - c_j + 1 (the
/// new interest's events seen, 1 = flagged on the first). Every other alarm is false: one before any
/// change or after a window, and also a second alarm inside a window, since it announces a change
/// already announced. So an alarm counts for at most one change, and a change is detected at most once.
/// </summary>
public static class ChangeMatching
{
    public static StreamOutcome Match(int events, IReadOnlyList<int> changes, IReadOnlyList<int> alarms, int maxDelay)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(alarms);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, 1);
        RequireIncreasing(changes, nameof(changes));
        RequireIncreasing(alarms, nameof(alarms));

        var delays = new List<int>(changes.Count);
        var next = 0; // first alarm not yet looked at
        for (var j = 0; j < changes.Count; j++)
        {
            var start = changes[j];
            var end = Math.Min(start + maxDelay - 1, j + 1 < changes.Count ? changes[j + 1] - 1 : int.MaxValue);
            while (next < alarms.Count && alarms[next] < start)
            {
                next++;
            }

            if (next < alarms.Count && alarms[next] <= end)
            {
                delays.Add(alarms[next] - start + 1);
                next++;
            }
        }

        return new StreamOutcome(events, changes.Count, [.. delays], alarms.Count, alarms.Count - delays.Count);
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
