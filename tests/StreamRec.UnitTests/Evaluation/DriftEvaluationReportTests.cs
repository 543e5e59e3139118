using System.Text.RegularExpressions;
using StreamRec.DriftDetector.Detection;
using StreamRec.Evaluation;

namespace StreamRec.UnitTests.Evaluation;

public sealed class DriftEvaluationReportTests
{
    private static GroundTruthResult Evaluate(string name, int examples)
    {
        var (streams, items) = ThresholdCalibrationTests.SmallWorld();
        var parameters = new DriftParameters();
        return GroundTruthEvaluation.Run(name, "four small users", streams, streams, items,
            DetectorSweeps.Standard(parameters, items.Dimension, points: 4), DetectorSweeps.Defaults(parameters, items.Dimension),
            streams.Take(examples).ToList(), maxDelay: 30);
    }

    [Fact]
    public void The_report_is_one_self_contained_html_file_with_one_svg_per_plot()
    {
        // Per ground truth: two curves (delay and recall against false alarms) and one timeline per example.
        var results = new[] { Evaluate("First", examples: 2), Evaluate("Second", examples: 3) };

        var html = DriftEvaluationReport.Render("Drift evaluation", ["a note with <markup> & more"], results);

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.EndsWith("</html>\n", html, StringComparison.Ordinal);
        Assert.Equal((2 + 2) + (2 + 3), Regex.Count(html, "<svg "));
        Assert.Equal(Regex.Count(html, "<svg "), Regex.Count(html, "</svg>"));
        foreach (var external in new[] { "<script", "src=", "href=", "url(", "@import", "http:", "https:", "<link", "<img" })
        {
            Assert.DoesNotContain(external, html, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains("a note with &lt;markup&gt; &amp; more", html, StringComparison.Ordinal);
        foreach (var detector in new[] { DetectorSweeps.StreamRec, DetectorSweeps.Naive, DetectorSweeps.PageHinkley, DetectorSweeps.StreamRecDefaults })
        {
            Assert.Contains(System.Net.WebUtility.HtmlEncode(detector), html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_report_ends_with_the_history_length_table_of_the_chosen_settings_on_the_controls()
    {
        var (streams, items) = ThresholdCalibrationTests.SmallWorld();
        var result = Evaluate("Only", examples: 0);
        var rows = HistoryLengthStrata.Measure([.. result.Selected.Where(s => s.Selection == GroundTruthEvaluation.Defaults)],
            [.. streams.Where(s => s.IsStationary)], items, maxDelay: 30, seed: 1, resamples: 50);

        var html = DriftEvaluationReport.Render("Drift evaluation", [], [result], rows);

        var table = html[html.IndexOf("<h2>False alarms by history length</h2>", StringComparison.Ordinal)..];
        Assert.Contains("<th>80-150</th>", table, StringComparison.Ordinal);
        Assert.Contains("<th>&gt; 300</th>", table, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(DetectorSweeps.StreamRecDefaults), table, StringComparison.Ordinal);
        Assert.DoesNotContain("history length", DriftEvaluationReport.Render("Drift evaluation", [], [result]), StringComparison.Ordinal);
    }

    [Fact]
    public void The_families_curves_get_one_chart_each_with_the_calibrated_points_and_the_targets()
    {
        var sweep = new DetectorSweep(DetectorSweeps.StreamRec, "k=1", "h", [10], _ => throw new NotSupportedException());
        var point = new OperatingPoint(sweep, 10, 0.4, 0.8, [0.5, 0.9, 0.7, 0.6]);
        List<SpliceFamily> families = [new(SpliceFamilies.Splice, "spliced", [], []), new(SpliceFamilies.Dissimilar, "far apart", [], [])];
        var curves = new OperatingCurvesResult(30, OperatingCurves.Budgets, families, [], [DetectorSweeps.StreamRec],
            [new CurveSelection(SpliceFamilies.Splice, DetectorSweeps.StreamRec, 1, true, "k=1 h=10", 0.45, 0.4, 0.3, 0.5, 0.8, 0.9, 7)],
            [.. families.Select(f => new DetectorCurve(f.Name, DetectorSweeps.StreamRec, [point]))]);

        var html = DriftEvaluationReport.Render("Drift evaluation", [], [], curves: curves);

        Assert.Equal(2, Regex.Count(html, "<svg "));
        Assert.Contains("<h2>Operating curves on MovieLens families</h2>", html, StringComparison.Ordinal);
        Assert.Contains("0.40 [0.30, 0.50]", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"n\">&lt;= 1 every stratum</td><td class=\"n\">0.45</td><td class=\"n\">0.40 [0.30, 0.50]</td><td class=\"n\">0.80</td><td class=\"n\">0.90</td><td class=\"n\">7</td>", html, StringComparison.Ordinal);
        Assert.Contains("recall on splice &gt;= 0.6: missed", html, StringComparison.Ordinal);
        Assert.Contains("median delay on splice &lt;= 8 events: met (7 events)", html, StringComparison.Ordinal);
        Assert.Contains("recall on dissimilar &gt;= 0.8: missed (no point met the budget on calibration)", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Writing_the_report_leaves_only_the_report()
    {
        var directory = Directory.CreateTempSubdirectory("streamrec-report-").FullName;
        try
        {
            var path = Path.Combine(directory, "nested", "report.html");

            DriftEvaluationReport.Write(path, "Drift evaluation", [], [Evaluate("Only", examples: 1)]);

            Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
            Assert.Equal(3, Regex.Count(File.ReadAllText(path), "<svg "));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Each_detector_gets_a_row_chosen_on_calibration_and_the_defaults_get_theirs()
    {
        var result = Evaluate("Rows", examples: 1);

        var best = result.Selected.Where(s => s.Selection == GroundTruthEvaluation.BestF1).Select(s => s.Detector).ToList();
        Assert.Equal([DetectorSweeps.StreamRec, DetectorSweeps.StreamRecFixed, DetectorSweeps.Naive, DetectorSweeps.PageHinkley, DetectorSweeps.Adwin, DetectorSweeps.Kswin, DetectorSweeps.Bocpd], best);
        var defaults = Assert.Single(result.Selected, s => s.Selection == GroundTruthEvaluation.Defaults);
        Assert.Equal(new DriftParameters().CusumThreshold, defaults.Point.Threshold);
        var timeline = Assert.Single(result.Timelines);
        Assert.Equal(300, timeline.Cusum.Length);
        // The threshold each event was judged against: h for the new user, growing to its limit over the user's events.
        var parameters = new DriftParameters();
        Assert.Equal(300, timeline.Thresholds.Length);
        Assert.Equal(parameters.ThresholdAfter(1), timeline.Thresholds[0]);
        Assert.Equal(parameters.CusumThreshold * parameters.ThresholdGrowthLimit, timeline.Thresholds[^1], 9);
        Assert.Equal([150], timeline.ChangePoints);
        Assert.Equal(8, timeline.Alarms.Count); // the defaults and the seven calibrated detectors
    }
}
