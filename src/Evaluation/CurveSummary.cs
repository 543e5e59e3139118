using System.Globalization;

namespace StreamRec.Evaluation;

/// <summary>
/// The operating curves (<see cref="OperatingCurves"/>) as plain text for the terminal: per family, each
/// detector's test recall at the budgets chosen on calibration, then StreamRec against its targets.
/// </summary>
public static class CurveSummary
{
    /// <summary>The budgets the terminal shows (the report shows every one).</summary>
    public static readonly IReadOnlyList<double> Shown = [0.1, 0.5, 1, 2];

    /// <summary>The budget the targets are read at, held in every history-length stratum.</summary>
    public const double TargetBudget = 1;

    public const double SpliceRecallTarget = 0.6;
    public const double DissimilarRecallTarget = 0.8;
    public const double MedianDelayTarget = 8;

    /// <summary>The range of budgets over which StreamRec's curve must be at or above every baseline's.</summary>
    public const double CurveFrom = 0.1, CurveTo = 2;

    public static string Heading(int maxDelay) => string.Create(CultureInfo.InvariantCulture,
        $"Operating curves on MovieLens families, test split: recall within {maxDelay} events [95% bootstrap interval over streams] at the point chosen on calibration as the highest recall with <= b false alarms per 1,000 events on the calibration controls (overall; 'every stratum': in every history-length stratum); median delay at that last point");

    public static IReadOnlyList<string> Columns { get; } =
        ["detector", .. Shown.Select(b => Invariant($"FA<={b:0.###}")), Invariant($"FA<={TargetBudget:0.###} every stratum"), "median delay"];

    /// <summary>One cell: "0.42 [0.35, 0.49]", or "-" when no point met the budget on calibration.</summary>
    public static string Cell(CurveSelection? selection) => selection is null
        ? "-"
        : Invariant($"{ResultTable.Format(selection.Recall, "0.00")} [{ResultTable.Format(selection.RecallLow, "0.00")}, {ResultTable.Format(selection.RecallHigh, "0.00")}]");

    public static List<string> Lines(OperatingCurvesResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var lines = new List<string> { Heading(result.MaxDelay) };
        var rows = result.Families.ToDictionary(f => f.Name, f => result.Detectors.Select(d => Cells(result, f.Name, d)).ToList());
        var widths = Columns.Select((c, i) => Math.Max(c.Length, rows.Values.SelectMany(r => r).Max(r => r[i].Length))).ToArray();
        string Line(IReadOnlyList<string> cells) => "    " + string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();
        foreach (var family in result.Families)
        {
            lines.Add(Invariant($"  {family.Name}: {family.Streams.Count:N0} streams, {family.Streams.Sum(s => s.ChangePoints.Length):N0} changes ({family.Description})"));
            lines.Add(Line(Columns));
            lines.AddRange(rows[family.Name].Select(Line));
        }

        return lines;
    }

    /// <summary>One line per target for StreamRec's detector: met or missed, with the figure.</summary>
    public static List<string> Targets(OperatingCurvesResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var at = Invariant($"at <= {TargetBudget:0.###} false alarm per 1,000 events in every history-length stratum of the calibration controls");
        var splice = result.Selection(SpliceFamilies.Splice, DetectorSweeps.StreamRec, TargetBudget, everyStratum: true);
        var dissimilar = result.Selection(SpliceFamilies.Dissimilar, DetectorSweeps.StreamRec, TargetBudget, everyStratum: true);
        return
        [
            Invariant($"Targets, {DetectorSweeps.StreamRec} on the test split (recall and delay {at}):"),
            RecallTarget(SpliceFamilies.Splice, splice, SpliceRecallTarget),
            RecallTarget(SpliceFamilies.Dissimilar, dissimilar, DissimilarRecallTarget),
            Invariant($"  median delay on {SpliceFamilies.Splice} <= {MedianDelayTarget:0} events: {Verdict(splice is not null && splice.MedianDelay <= MedianDelayTarget)} ({(splice is null ? "no point met the budget" : ResultTable.Format(splice.MedianDelay, "0") + " events")})"),
            .. CurveTarget(result),
        ];
    }

    private static string[] Cells(OperatingCurvesResult result, string family, string detector)
    {
        var strict = result.Selection(family, detector, TargetBudget, everyStratum: true);
        return [detector, .. Shown.Select(b => Cell(result.Selection(family, detector, b, everyStratum: false))), Cell(strict), ResultTable.Format(strict?.MedianDelay ?? double.NaN, "0")];
    }

    private static string RecallTarget(string family, CurveSelection? selection, double target) => selection is null
        ? Invariant($"  recall on {family} >= {target:0.0#}: missed (no point met the budget on calibration)")
        : Invariant($"  recall on {family} >= {target:0.0#}: {Verdict(selection.Recall >= target)} ({Cell(selection)} at {selection.Setting}; test controls {ResultTable.Format(selection.ControlRate, "0.00")} FA/1k, worst stratum {ResultTable.Format(selection.MaxStratumRate, "0.00")})");

    /// <summary>
    /// StreamRec's calibrated recall against each baseline's at every budget in range, on every family but
    /// the bands (point estimates; no point at a budget counts as recall 0): one line, and when missed one
    /// more per baseline that beats it, saying on which families, at which budgets and by how much at most.
    /// </summary>
    private static IEnumerable<string> CurveTarget(OperatingCurvesResult result)
    {
        var beaten = new List<(string Baseline, string Family, double Budget, double Theirs, double Own)>();
        foreach (var family in result.Families.Where(f => !f.IsBand))
        {
            foreach (var budget in result.Budgets.Where(b => b >= CurveFrom && b <= CurveTo))
            {
                var own = result.Selection(family.Name, DetectorSweeps.StreamRec, budget, everyStratum: false)?.Recall ?? 0;
                // The former fixed-threshold statistic is StreamRec's own, shown for comparison: not a baseline.
                foreach (var baseline in result.Detectors.Where(d => d is not DetectorSweeps.StreamRec and not DetectorSweeps.StreamRecFixed))
                {
                    if (result.Selection(family.Name, baseline, budget, everyStratum: false) is { } other && other.Recall > own)
                    {
                        beaten.Add((baseline, family.Name, budget, other.Recall, own));
                    }
                }
            }
        }

        yield return Invariant($"  curve at or above every baseline's from {CurveFrom:0.###} to {CurveTo:0.###} false alarms per 1,000 events (calibrated points, every family): ") +
            (beaten.Count == 0 ? "met" : "missed; below");
        foreach (var baseline in beaten.GroupBy(b => b.Baseline))
        {
            yield return $"    {baseline.Key}: " + string.Join("; ", baseline.GroupBy(b => b.Family).Select(family =>
            {
                var widest = family.MaxBy(b => b.Theirs - b.Own);
                return Invariant($"{family.Key} at {string.Join(", ", family.Select(b => b.Budget.ToString("0.###", CultureInfo.InvariantCulture)))} (widest {widest.Theirs:0.00} vs {widest.Own:0.00} at {widest.Budget:0.###})");
            }));
        }
    }

    private static string Verdict(bool met) => met ? "met" : "missed";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
