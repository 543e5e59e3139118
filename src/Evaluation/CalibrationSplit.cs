namespace StreamRec.Evaluation;

/// <summary>
/// Splits users in two by seed: thresholds are chosen on the calibration half and reported on the test
/// half, so no figure in the report comes from the users its threshold was fitted to.
/// </summary>
public static class CalibrationSplit
{
    /// <summary>A seeded shuffle of <paramref name="users"/>; the first half (rounded down) calibrates, the rest tests.</summary>
    public static (List<T> Calibration, List<T> Test) Halves<T>(IReadOnlyList<T> users, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(users);
        var shuffled = users.ToList();
        new EvaluationRandom(seed ^ 0x5EED5EED5EED5EEDUL).Shuffle(shuffled);
        var half = shuffled.Count / 2;
        return (shuffled.GetRange(0, half), shuffled.GetRange(half, shuffled.Count - half));
    }
}
