namespace StreamRec.Evaluation;

/// <summary>A row of the results table: a detector at the setting chosen for it, and how it was chosen.</summary>
/// <param name="Detector">The detector's name.</param>
/// <param name="Selection">How the setting was chosen, e.g. "best F1 on calibration".</param>
/// <param name="Point">The setting and its results.</param>
public sealed record SelectedDetector(string Detector, string Selection, SweepPoint Point);
