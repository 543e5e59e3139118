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

    [Fact]
    public void Every_point_runs_on_every_family_and_the_budget_is_read_on_the_controls()
    {
        // A detector that alarms every T events. Controls of 100 and 400 events: T=20 gives 25 false
        // alarms in 500 events (50 per 1,000), T=50 gives 10 (20), T=500 none. Spliced streams change at
        // 100; the abrupt one's window is 100..129, the gradual one's (span 40) 100..169: T=20 detects both
        // (alarm at 119), T=50 only the gradual one (alarm at 149, delay 50), T=500 neither.
        var sweep = new DetectorSweep("every T", "", "T", [20, 50, 500], t => new Periodic((int)t));
        var items = new ItemEmbeddings([1f], 1);
        static EvaluationStream Stream(int length, int[] changes, int[]? spans = null) =>
            new("s", changes.Length == 0 ? StreamKind.Unspliced : StreamKind.Spliced, new int[length], [.. Enumerable.Repeat(1f, length)], changes, spans);
        var family = new SpliceFamily("f", "two streams", [Stream(200, [100]), Stream(200, [100], [40])], [0.2, 0.9]);
        var split = new FamilySplit([family], [Stream(100, []), Stream(400, [])]);

        var result = OperatingCurves.Run([sweep], split, split, items, maxDelay: 30, seed: 1, resamples: 200, budgets: [10, 25, 60]);

        Assert.Equal(0, result.Selection("f", "every T", 10, everyStratum: false)!.Recall);
        var middle = result.Selection("f", "every T", 25, everyStratum: true)!;
        Assert.Equal("T=50", middle.Setting);
        Assert.Equal(0.5, middle.Recall);
        Assert.Equal(20, middle.ControlRate, 9);
        Assert.Equal(20, middle.MaxStratumRate, 9);
        Assert.Equal(50, middle.MedianDelay);
        Assert.InRange(0.5, middle.RecallLow, middle.RecallHigh);
        var top = result.Selection("f", "every T", 60, everyStratum: false)!;
        Assert.Equal((1.0, 20.0), (top.Recall, top.MedianDelay));
        Assert.Equal([0.0, 0.5, 1.0], Assert.Single(result.Curves).Frontier.Select(p => p.Recall));
    }

    private sealed class Periodic(int period) : IChangeDetector
    {
        private int _events;

        public void Reset() => _events = 0;

        public DetectorStep Step(ReadOnlySpan<float> embedding, float weight) => new(0, ++_events % period == 0);
    }
}
