using System.Globalization;

namespace StreamRec.Evaluation;

/// <summary>One detector setting at one threshold, measured on both splits.</summary>
public sealed record SweepPoint(DetectorSweep Sweep, double Threshold, DetectionResult Calibration, DetectionResult Test)
{
    public string Detector => Sweep.Detector;

    /// <summary>E.g. "k=1.5 h=12.3".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Sweep.Setting}{(Sweep.Setting.Length > 0 ? " " : "")}{Sweep.ThresholdSymbol}={Threshold:0.###}");
}
