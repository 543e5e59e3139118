using StreamRec.Evaluation;

namespace StreamRec.UnitTests.Evaluation;

public sealed class OperatingCurvesTests
{
    private static readonly DetectorSweep Sweep = new("d", "", "h", [1, 2, 3, 4, 5], _ => throw new NotSupportedException());

    /// <summary>A point with its recall, overall control rate and rates in the four history-length strata.</summary>
    private static OperatingPoint Point(double threshold, double recall, double rate, params double[] strata) =>
        new(Sweep, threshold, recall, rate, strata.Length == 0 ? [rate, rate, rate, rate] : strata);

    [Fact]
    public void The_budget_picks_the_highest_recall_among_the_points_within_it()
    {
        List<OperatingPoint> points =
        [
            Point(5, 0.30, 0.05),
            Point(4, 0.45, 0.4),
            Point(3, 0.50, 0.9, 0.2, 0.5, 1.4, 0.9), // within 1 overall, over it in one stratum
            Point(2, 0.70, 1.8),
            Point(1, 0.90, 6),
        ];

        Assert.Equal(0, CurveCalibration.Best(points, 0.1, everyStratum: false));
        Assert.Equal(1, CurveCalibration.Best(points, 0.5, everyStratum: false));
        Assert.Equal(2, CurveCalibration.Best(points, 1, everyStratum: false));
        Assert.Equal(1, CurveCalibration.Best(points, 1, everyStratum: true));
        Assert.Equal(3, CurveCalibration.Best(points, 2, everyStratum: false));
        Assert.Null(CurveCalibration.Best(points, 0.01, everyStratum: false));
    }

    [Fact]
    public void Ties_in_recall_go_to_fewer_false_alarms_then_to_the_higher_threshold_and_empty_strata_do_not_count()
    {
        List<OperatingPoint> points = [Point(1, 0.5, 0.8), Point(2, 0.5, 0.3), Point(3, 0.5, 0.3)];
        Assert.Equal(2, CurveCalibration.Best(points, 1, everyStratum: false));

        List<OperatingPoint> strata = [Point(1, 0.6, 0.5, 0.5, double.NaN, 0.9, 0.2)];
        Assert.Equal(0, CurveCalibration.Best(strata, 1, everyStratum: true));
    }

    [Fact]
    public void The_frontier_keeps_the_points_no_other_beats_by_increasing_false_alarms()
    {
        List<OperatingPoint> points = [Point(1, 0.9, 3), Point(2, 0.5, 1), Point(3, 0.4, 1.5), Point(4, 0.2, 0.1), Point(5, 0.5, 2)];

        Assert.Equal([4, 2, 1], OperatingCurves.Frontier(points).Select(p => p.Threshold));
    }

    [Fact]
    public void The_recall_interval_holds_the_estimate_and_narrows_with_more_streams()
    {
        // 40% of streams detect their change.
        static List<(long, long)> Streams(int count) => [.. Enumerable.Range(0, count).Select(i => (i % 5 < 2 ? 1L : 0L, 1L))];

        var (fewLow, fewHigh) = RatioBootstrap.Interval(Streams(50), 1, new EvaluationRandom(1), 1000);
        var (manyLow, manyHigh) = RatioBootstrap.Interval(Streams(2000), 1, new EvaluationRandom(1), 1000);

        Assert.InRange(0.4, fewLow, fewHigh);
        Assert.InRange(0.4, manyLow, manyHigh);
        Assert.True(manyHigh - manyLow < (fewHigh - fewLow) / 3, $"[{fewLow}, {fewHigh}] vs [{manyLow}, {manyHigh}]");
        Assert.True(double.IsNaN(RatioBootstrap.Interval([], 1, new EvaluationRandom(1), 10).Low));
    }
}
