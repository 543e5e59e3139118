namespace StreamRec.Evaluation;

/// <summary>One real user's events in time order: item rows and event weights.</summary>
/// <param name="User">The data set's own (public, anonymous) user number; kept for tests and tracing, not printed.</param>
/// <param name="Items">Item rows.</param>
/// <param name="Weights">Event weights.</param>
public sealed record ItemHistory(int User, int[] Items, float[] Weights)
{
    public int Length => Items.Length;
}
