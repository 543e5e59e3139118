namespace StreamRec.Evaluation;

/// <summary>
/// One user's events with ground truth: event i is item <see cref="Items"/>[i] (a row of
/// <see cref="ItemEmbeddings"/>) with type weight <see cref="Weights"/>[i]. A change point c is the
/// index of the first event of the new interest.
/// </summary>
/// <param name="Label">Names the stream by its index in its split (no user ids).</param>
/// <param name="Kind">Where it comes from.</param>
/// <param name="Items">Item rows, in event order.</param>
/// <param name="Weights">Event weights, in (0, 1].</param>
/// <param name="ChangePoints">Indices of the first event after each true change, increasing; empty when there is none.</param>
/// <param name="ChangeSpans">
/// Per change, the events the change itself takes (a gradual change's ramp): its matching window is that
/// many events longer than the max delay (<see cref="ChangeMatching"/>). Null when every change is abrupt
/// (span 0). A span rather than a whole window, so the window follows the run's max delay.
/// </param>
public sealed record EvaluationStream(string Label, StreamKind Kind, int[] Items, float[] Weights, int[] ChangePoints, int[]? ChangeSpans = null)
{
    public int Length => Items.Length;

    public bool IsStationary => ChangePoints.Length == 0;
}
