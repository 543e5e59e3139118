using System.Globalization;
using System.Text;

namespace StreamRec.Evaluation;

/// <summary>
/// The evaluation report: one self-contained HTML file (<see cref="HtmlReportPage"/>). Per ground truth:
/// the results table, the delay / false-alarm and recall / false-alarm curves of the threshold sweep on
/// the test split, example timelines of StreamRec's CUSUM S with true and detected change points, and every sweep point;
/// then, when given, the false alarms per history-length stratum (<see cref="HistoryLengthStrata"/>), the
/// operating curves on the families of real-data changes and how separable users are in the encoder's space
/// (<see cref="EncoderSeparability"/>).
/// </summary>
public static class DriftEvaluationReport
{
    /// <summary>The leftmost false-alarm rate on the log axes; a rate of 0 is drawn there.</summary>
    public const double MinimumPlottedRate = 0.01;

    /// <summary>The operating curves' false-alarm axis (log scale), in false alarms per 1,000 events.</summary>
    private const double CurveAxisMin = 0.05, CurveAxisMax = 5;

    private static readonly Dictionary<string, string> Colors = new(StringComparer.Ordinal)
    {
        [DetectorSweeps.StreamRec] = "#1f77b4",
        [DetectorSweeps.Naive] = "#ff7f0e",
        [DetectorSweeps.PageHinkley] = "#2ca02c",
        [DetectorSweeps.Adwin] = "#8c564b",
        [DetectorSweeps.Kswin] = "#e377c2",
        [DetectorSweeps.Bocpd] = "#17becf",
        [DetectorSweeps.StreamRecDefaults] = "#9467bd",
        [DetectorSweeps.StreamRecFixed] = "#7f7f7f",
    };

    /// <summary>Colours for detectors without one of their own (tab10's remaining colours).</summary>
    private static readonly string[] MoreColors = ["#d62728", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];

    /// <summary>Writes the report atomically (a temporary file renamed into place); creates the directory.</summary>
    public static void Write(string path, string title, IReadOnlyList<string> notes, IReadOnlyList<GroundTruthResult> results,
        IReadOnlyList<DetectorStrata>? historyLengths = null, OperatingCurvesResult? curves = null, IReadOnlyList<SeparabilityRow>? separability = null) =>
        HtmlReportPage.Write(path, Render(title, notes, results, historyLengths, curves, separability));

    public static string Render(string title, IReadOnlyList<string> notes, IReadOnlyList<GroundTruthResult> results,
        IReadOnlyList<DetectorStrata>? historyLengths = null, OperatingCurvesResult? curves = null, IReadOnlyList<SeparabilityRow>? separability = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        var html = HtmlReportPage.Begin(title, notes);
        foreach (var result in results)
        {
            AppendGroundTruth(html, result);
        }

        if (historyLengths is not null)
        {
            AppendHistoryLengths(html, historyLengths);
        }

        if (curves is not null)
        {
            AppendCurves(html, curves);
        }

        if (separability is not null)
        {
            AppendSeparability(html, separability);
        }

        return HtmlReportPage.End(html);
    }

    private static void AppendHistoryLengths(StringBuilder html, IReadOnlyList<DetectorStrata> rows)
    {
        html.Append("<h2>False alarms by history length</h2>\n<p>").Append(Escape(HistoryLengthTable.Heading))
            .Append(". Each detector at the setting of its row in the tables above; strata by events per user: [0, 80), [80, 150], (150, 300], above 300. The goal is at most 1 false alarm per 1,000 events in every stratum.</p>\n");
        AppendTable(html, HistoryLengthTable.Columns, rows.Select(HistoryLengthTable.Cells));
    }

    private static void AppendSeparability(StringBuilder html, IReadOnlyList<SeparabilityRow> rows)
    {
        html.Append("<h2>Encoder separability</h2>\n<p>").Append(Escape(EncoderSeparabilityTable.Heading))
            .Append(Invariant($". Splices whose prefix has fewer than {EncoderSeparability.HeldOut + EncoderSeparability.MinContext} events are left out. The rows embed every film with the shipped encoder from some of its features only: all of them; its id alone (the collaborative signal item2vec learnt from co-occurrence); its content (genres, decade and title words) without its id; its genres alone. An AUC of 0.5 is no separation; what a per-event score separates bounds what any detector reading those events can see.")).Append("</p>\n");
        AppendTable(html, EncoderSeparabilityTable.Columns, rows.Select(EncoderSeparabilityTable.Cells));
    }

    private static void AppendCurves(StringBuilder html, OperatingCurvesResult curves)
    {
        html.Append("<h2>Operating curves on MovieLens families</h2>\n<p>").Append(Escape(CurveSummary.Heading(curves.MaxDelay)))
            .Append(Invariant($". A gradual change's window is its ramp plus {curves.MaxDelay} events. Controls: the test split's {curves.Controls.Count} unspliced users, shared by every family. Each chart shows every detector's Pareto frontier on the test split (all its settings and thresholds; chosen on test, so an upper bound of what calibration can reach), x = false alarms per 1,000 events on the controls, y = recall; rates below {CurveAxisMin} are drawn at the left edge.")).Append("</p>\n");
        foreach (var line in CurveSummary.Targets(curves))
        {
            html.Append("<p>").Append(Escape(line)).Append("</p>\n");
        }

        string[] columns = ["family", "detector", .. curves.Budgets.Select(b => Invariant($"FA<={b:0.###}")), .. curves.Budgets.Select(b => Invariant($"FA<={b:0.###} every stratum")), "median delay (every stratum, 1)"];
        foreach (var family in curves.Families)
        {
            html.Append("<h3>").Append(Escape(family.Name)).Append("</h3>\n<p>")
                .Append(Escape(Invariant($"{family.Streams.Count:N0} streams, {family.Streams.Sum(s => s.ChangePoints.Length):N0} changes: {family.Description}."))).Append("</p>\n");
            var chart = new SvgChart($"{family.Name}: recall vs false alarms on the controls (test split)", "false alarms per 1,000 events on the controls (log scale)",
                $"recall within {curves.MaxDelay} events", logX: true);
            foreach (var curve in curves.Curves.Where(c => c.Family == family.Name))
            {
                // Points past the axis would pile up on its right edge; the first of them still shows where the curve goes.
                var shown = curve.Frontier.TakeWhile(p => p.ControlRate <= CurveAxisMax).Concat(curve.Frontier.SkipWhile(p => p.ControlRate <= CurveAxisMax).Take(1));
                chart.Line(curve.Detector, CurveColor(curve.Detector, curves.Detectors), [.. shown.Select(p => (Math.Max(p.ControlRate, CurveAxisMin), p.Recall))]);
            }

            foreach (var budget in curves.Budgets)
            {
                chart.Vertical(budget, "#c8c8c8");
            }

            chart.XRange(CurveAxisMin, CurveAxisMax);
            chart.YRange(0, 1);
            HtmlReportPage.AppendFigure(html, chart.Render(),
                $"{family.Name}: each detector's test Pareto frontier; grey dashed lines at the budgets. The table below gives the points chosen on calibration at each budget, with their test recall [95% bootstrap interval over streams].");
            AppendTable(html, columns, curves.Detectors.Select(detector =>
            {
                var strict = curves.Selection(family.Name, detector, CurveSummary.TargetBudget, everyStratum: true);
                return new[] { family.Name, detector }
                    .Concat(curves.Budgets.Select(b => CurveSummary.Cell(curves.Selection(family.Name, detector, b, everyStratum: false))))
                    .Concat(curves.Budgets.Select(b => CurveSummary.Cell(curves.Selection(family.Name, detector, b, everyStratum: true))))
                    .Append(ResultTable.Format(strict?.MedianDelay ?? double.NaN, "0")).ToArray();
            }));
            var chosen = curves.Selections.Where(c => c.Family == family.Name).OrderBy(c => c.Detector, StringComparer.Ordinal).ThenBy(c => c.EveryStratum).ThenBy(c => c.Budget).ToList();
            html.Append("<details><summary>The chosen points (").Append(chosen.Count.ToString(CultureInfo.InvariantCulture)).Append(")</summary>\n");
            AppendTable(html, ["detector", "setting", "budget (FA/1k on calibration controls)", "calibration recall", "test recall [95% interval]", "test FA/1k controls", "worst stratum FA/1k", "median delay"],
                chosen.Select(c => new[]
                {
                    c.Detector, c.Setting, Invariant($"<= {c.Budget:0.###}{(c.EveryStratum ? " every stratum" : "")}"), ResultTable.Format(c.CalibrationRecall, "0.00"),
                    CurveSummary.Cell(c), ResultTable.Format(c.ControlRate, "0.00"), ResultTable.Format(c.MaxStratumRate, "0.00"), ResultTable.Format(c.MedianDelay, "0"),
                }));
            html.Append("</details>\n");
        }
    }

    /// <summary>A table of text cells: the first two columns are names, the rest numbers (right-aligned).</summary>
    private static void AppendTable(StringBuilder html, IEnumerable<string> columns, IEnumerable<string[]> rows)
    {
        html.Append("<table><tr>");
        foreach (var column in columns)
        {
            html.Append("<th>").Append(Escape(column)).Append("</th>");
        }

        html.Append("</tr>\n");
        foreach (var cells in rows)
        {
            html.Append("<tr>");
            for (var i = 0; i < cells.Length; i++)
            {
                html.Append(i < 2 ? "<td>" : "<td class=\"n\">").Append(Escape(cells[i])).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</table>\n");
    }

    private static void AppendGroundTruth(StringBuilder html, GroundTruthResult result)
    {
        html.Append("<h2>").Append(Escape(result.Name)).Append("</h2>\n<p>").Append(Escape(result.Description))
            .Append(Invariant($". A change counts as detected when an alarm comes within its first {result.MaxDelay} events.")).Append("</p>\n");
        foreach (var group in result.Selected.GroupBy(s => s.Selection))
        {
            html.Append("<h3>").Append(Escape(group.Key)).Append(" (figures on the test split)</h3>\n");
            AppendTable(html, ResultTable.Columns, group.Select(ResultTable.Cells));
        }

        var best = result.Selected.Where(s => s.Selection == GroundTruthEvaluation.BestF1).ToList();
        var defaults = result.Selected.FirstOrDefault(s => s.Selection == GroundTruthEvaluation.Defaults);
        AppendCurve(html, result, best, defaults, "median detection delay (events)", r => r.MedianDelay,
            $"{result.Name}: detection delay vs false-alarm rate",
            "Median delay of the detected changes against false alarms per 1,000 events, on the test split, one point per threshold of each detector's chosen setting (ring: the threshold chosen on calibration; a rate of 0 is drawn at the left edge). Lower left is better.");
        AppendCurve(html, result, best, defaults, $"recall within {result.MaxDelay} events", r => r.Recall,
            $"{result.Name}: recall vs false-alarm rate",
            "Share of true changes detected within the max delay against false alarms per 1,000 events, same points. Upper left is better.");

        foreach (var timeline in result.Timelines)
        {
            AppendTimeline(html, timeline);
        }

        html.Append("<details><summary>Every setting and threshold tried (").Append(result.Points.Count.ToString(CultureInfo.InvariantCulture))
            .Append(" points)</summary>\n<table><tr><th>detector</th><th>setting</th><th>calibration F1</th><th>calibration FA/1k</th><th>recall</th><th>median delay</th><th>p90 delay</th><th>FA/1k events</th><th>FA/1k no-change users</th><th>precision</th><th>F1</th></tr>\n");
        foreach (var point in result.Points)
        {
            var (c, t) = (point.Calibration, point.Test);
            html.Append("<tr><td>").Append(Escape(point.Detector)).Append("</td><td>").Append(Escape(point.Describe())).Append("</td>");
            foreach (var cell in new[]
                     {
                         ResultTable.Format(c.F1, "0.000"), ResultTable.Format(c.FalseAlarmsPerThousand, "0.00"), ResultTable.Format(t.Recall, "0.000"),
                         ResultTable.Format(t.MedianDelay, "0"), ResultTable.Format(t.P90Delay, "0"), ResultTable.Format(t.FalseAlarmsPerThousand, "0.00"),
                         ResultTable.Format(t.StationaryFalseAlarmsPerThousand, "0.00"), ResultTable.Format(t.Precision, "0.000"), ResultTable.Format(t.F1, "0.000"),
                     })
            {
                html.Append("<td class=\"n\">").Append(cell).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</table></details>\n");
    }

    private static void AppendCurve(StringBuilder html, GroundTruthResult result, List<SelectedDetector> best, SelectedDetector? defaults,
        string yLabel, Func<DetectionResult, double> y, string title, string caption)
    {
        var chart = new SvgChart(title, "false alarms per 1,000 events (log scale)", yLabel, logX: true);
        var maxRate = MinimumPlottedRate * 10;
        double maxY = 0;
        foreach (var row in best)
        {
            var curve = result.Points.Where(p => p.Sweep == row.Point.Sweep).OrderBy(p => p.Threshold).ToList();
            var xy = curve.Select(p => (Math.Max(p.Test.FalseAlarmsPerThousand, MinimumPlottedRate), y(p.Test))).ToList();
            maxRate = Math.Max(maxRate, xy.Max(p => p.Item1));
            maxY = Math.Max(maxY, xy.Where(p => double.IsFinite(p.Item2)).Select(p => p.Item2).DefaultIfEmpty(0).Max());
            chart.Line($"{row.Detector} ({row.Point.Sweep.Setting}{(row.Point.Sweep.Setting.Length > 0 ? ", " : "")}{row.Point.Sweep.ThresholdSymbol} swept)",
                Color(row.Detector), xy, highlight: curve.IndexOf(row.Point));
        }

        if (defaults is not null)
        {
            var point = (Math.Max(defaults.Point.Test.FalseAlarmsPerThousand, MinimumPlottedRate), y(defaults.Point.Test));
            chart.Line($"{defaults.Detector}, {defaults.Point.Describe()}", Color(defaults.Detector), [point], highlight: 0);
        }

        chart.XRange(MinimumPlottedRate, Math.Pow(10, Math.Ceiling(Math.Log10(maxRate))));
        chart.YRange(0, Math.Max(maxY, 1e-3) * 1.08);
        HtmlReportPage.AppendFigure(html, chart.Render(), caption);
    }

    private static void AppendTimeline(StringBuilder html, DriftTimeline timeline)
    {
        // S jumps far above h right after a change; clipping keeps the threshold and the quiet stretches readable.
        var top = Math.Max(3 * timeline.Thresholds.DefaultIfEmpty(0).Max(), 1);
        var chart = new SvgChart($"{timeline.Label}: StreamRec's CUSUM S (defaults)", "event", $"S (clipped at {top:0.#})");
        chart.XRange(0, Math.Max(timeline.Cusum.Length - 1, 1));
        chart.YRange(0, top);
        chart.Line("S", Color(DetectorSweeps.StreamRecDefaults), timeline.Cusum.Select((s, i) => ((double)i, Math.Min(s, top))).ToList(), markers: false);
        chart.Line("threshold", "#555", [.. timeline.Thresholds.Select((h, i) => ((double)i, Math.Min(h, top)))], markers: false, dash: "4 3");
        foreach (var change in timeline.ChangePoints)
        {
            chart.Vertical(change, "#d62728");
        }

        foreach (var alarms in timeline.Alarms)
        {
            chart.Track($"{Short(alarms.Detector)} {alarms.Setting}", Color(alarms.Detector), alarms.Alarms.Select(a => (double)a));
        }

        var changes = timeline.ChangePoints.Length == 0 ? "no true change" : "true changes at " + string.Join(", ", timeline.ChangePoints);
        HtmlReportPage.AppendFigure(html, chart.Render(),
            $"{timeline.Label}: StreamRec's CUSUM S per event at the shipped defaults, with its threshold dashed in grey (h for a new user, growing with the user's events); red dashed lines: {changes}. Triangles above the plot: where each detector raised alarms (the first row at the defaults, the others at the thresholds chosen on calibration).");
    }

    private static string Short(string detector) => detector switch
    {
        DetectorSweeps.StreamRecDefaults => "StreamRec (defaults)",
        DetectorSweeps.StreamRec => "StreamRec",
        DetectorSweeps.StreamRecFixed => "StreamRec fixed h",
        DetectorSweeps.Naive => "naive",
        DetectorSweeps.PageHinkley => "Page-Hinkley",
        DetectorSweeps.Adwin => "ADWIN",
        DetectorSweeps.Kswin => "KSWIN",
        DetectorSweeps.Bocpd => "BOCPD",
        _ => detector,
    };

    private static string Color(string detector) => Colors.GetValueOrDefault(detector, "#444");

    /// <summary>A detector's colour on the families' charts: its own when it has one, else one of <see cref="MoreColors"/> by its place among those without, so any list of detectors stays readable.</summary>
    private static string CurveColor(string detector, IReadOnlyList<string> detectors) =>
        Colors.TryGetValue(detector, out var color)
            ? color
            : MoreColors[Math.Max(0, detectors.Where(d => !Colors.ContainsKey(d)).ToList().IndexOf(detector)) % MoreColors.Length];

    private static string Escape(string text) => HtmlReportPage.Escape(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
