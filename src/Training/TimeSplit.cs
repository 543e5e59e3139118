namespace StreamRec.Training;

/// <summary>
/// The evaluation split: each user's most recent items are held out and the encoder is trained only on
/// what came before, so the next-item test asks about a future the model never saw.
/// </summary>
/// <param name="Training">Per user, the oldest items (same order as the input histories).</param>
/// <param name="HeldOut">Per user, the most recent items, oldest first; empty when nothing is held out.</param>
public sealed record TimeSplit(IReadOnlyList<UserHistory> Training, IReadOnlyList<UserHistory> HeldOut)
{
    /// <summary>
    /// Holds out the last floor(<paramref name="holdoutFraction"/> x n) items of each user's n, always
    /// leaving at least one for training. With 0 nothing is held out (the production model).
    /// </summary>
    public static TimeSplit Create(IReadOnlyList<UserHistory> histories, double holdoutFraction)
    {
        ArgumentNullException.ThrowIfNull(histories);
        var training = new UserHistory[histories.Count];
        var heldOut = new UserHistory[histories.Count];
        for (var u = 0; u < histories.Count; u++)
        {
            var items = histories[u].Items;
            var held = HeldOutCount(items.Length, holdoutFraction);
            training[u] = histories[u] with { Items = items[..^held] };
            heldOut[u] = histories[u] with { Items = items[^held..] };
        }

        return new TimeSplit(training, heldOut);
    }

    /// <summary>How many of <paramref name="historyLength"/> items are held out.</summary>
    public static int HeldOutCount(int historyLength, double holdoutFraction)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(historyLength);
        if (!(holdoutFraction >= 0 && holdoutFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(holdoutFraction), holdoutFraction, "The held-out fraction must be in [0, 1).");
        }

        // The small epsilon keeps a product such as 0.7 x 10 = 6.9999999999999991 from losing an item
        // to floating point; it is far below 1/n for any real history.
        var held = (int)Math.Floor((historyLength * holdoutFraction) + 1e-9);
        return Math.Min(held, Math.Max(historyLength - 1, 0));
    }
}
