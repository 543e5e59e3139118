namespace StreamRec.Evaluation;

/// <summary>Everything measured on one ground truth: every sweep point, the table's rows and the example timelines.</summary>
/// <param name="Name">E.g. "Synthetic".</param>
/// <param name="Description">What the streams are, with their counts.</param>
/// <param name="MaxDelay">The longest delay that still counts as a detection, in events.</param>
/// <param name="Points">Every detector setting at every threshold.</param>
/// <param name="Selected">The rows of the table.</param>
/// <param name="Timelines">Example users from the test split.</param>
public sealed record GroundTruthResult(
    string Name,
    string Description,
    int MaxDelay,
    IReadOnlyList<SweepPoint> Points,
    IReadOnlyList<SelectedDetector> Selected,
    IReadOnlyList<DriftTimeline> Timelines);
