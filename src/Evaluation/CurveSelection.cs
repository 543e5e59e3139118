namespace StreamRec.Evaluation;

/// <summary>
/// A detector at one false-alarm budget on one family: the point chosen on calibration
/// (<see cref="CurveCalibration"/>) and its figures on the test split.
/// </summary>
/// <param name="Family">The family's name.</param>
/// <param name="Detector">The detector's name.</param>
/// <param name="Budget">False alarms per 1,000 events allowed on the calibration controls.</param>
/// <param name="EveryStratum">Whether the budget held in every history-length stratum of the calibration controls, not only overall.</param>
/// <param name="Setting">The chosen setting and threshold, e.g. "k=0.5 h=8".</param>
/// <param name="CalibrationRecall">Its recall on the family's calibration streams.</param>
/// <param name="Recall">Its recall on the family's test streams.</param>
/// <param name="RecallLow">2.5th percentile of the test recall over resampled streams.</param>
/// <param name="RecallHigh">97.5th percentile of the test recall over resampled streams.</param>
/// <param name="ControlRate">False alarms per 1,000 events on the test controls.</param>
/// <param name="MaxStratumRate">The same in the worst history-length stratum.</param>
/// <param name="MedianDelay">Median delay of the detected test changes (nearest rank; NaN without any).</param>
public sealed record CurveSelection(
    string Family,
    string Detector,
    double Budget,
    bool EveryStratum,
    string Setting,
    double CalibrationRecall,
    double Recall,
    double RecallLow,
    double RecallHigh,
    double ControlRate,
    double MaxStratumRate,
    double MedianDelay);
