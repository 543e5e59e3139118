namespace StreamRec.Evaluation;

/// <summary>How a detector's alarms on one stream match its true change points (<see cref="ChangeMatching"/>).</summary>
/// <param name="Events">Events in the stream.</param>
/// <param name="Changes">True change points.</param>
/// <param name="Delays">For each detected change, in order: the new interest's events seen up to and including the alarm (1 = flagged on its first event).</param>
/// <param name="Alarms">All alarms.</param>
/// <param name="FalseAlarms">Alarms that detected no change.</param>
public sealed record StreamOutcome(int Events, int Changes, int[] Delays, int Alarms, int FalseAlarms)
{
    public int Detected => Delays.Length;
}
