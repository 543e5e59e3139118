using System.Globalization;

namespace StreamRec.Evaluation;

/// <summary>One detector setting at one threshold, measured on both splits.</summary>
public sealed record SweepPoint(DetectorSweep Sweep, double Threshold, DetectionResult Calibration, DetectionResult Test)
{
    public string Detector => Sweep.Detector;

    /// <summary>E.g. "k=1.5 h=12.3"; thresholds below 0.001 (ADWIN's δ, KSWIN's α) in scientific notation, e.g. "alpha=2.4E-5".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Sweep.Setting}{(Sweep.Setting.Length > 0 ? " " : "")}{Sweep.ThresholdSymbol}={Threshold.ToString(Threshold is > 0 and < 0.001 ? "0.#E+0" : "0.###", CultureInfo.InvariantCulture)}");
}
