using System.Globalization;

namespace StreamRec.Evaluation;

/// <summary>
/// One setting at one threshold on one family of one split: its recall on the family's spliced streams
/// and its false alarms per 1,000 events on the split's controls, overall and per history-length stratum
/// (<see cref="HistoryLengthStrata"/>; NaN for a stratum without users).
/// </summary>
public sealed record OperatingPoint(DetectorSweep Sweep, double Threshold, double Recall, double ControlRate, IReadOnlyList<double> StratumRates)
{
    /// <summary>E.g. "k=1.5 h=12" (as <see cref="SweepPoint.Describe"/>).</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Sweep.Setting}{(Sweep.Setting.Length > 0 ? " " : "")}{Sweep.ThresholdSymbol}={Threshold:0.###}");

    /// <summary>The highest rate over the strata with users (NaN when none has users).</summary>
    public double MaxStratumRate => StratumRates.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();

    /// <summary>Whether the controls' rate is within <paramref name="budget"/>: overall, or in every stratum with users.</summary>
    public bool Within(double budget, bool everyStratum) =>
        everyStratum ? StratumRates.Where(double.IsFinite).All(rate => rate <= budget) : ControlRate <= budget;
}
