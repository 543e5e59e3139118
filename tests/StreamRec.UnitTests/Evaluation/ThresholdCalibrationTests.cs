using StreamRec.DriftDetector.Detection;
using StreamRec.Evaluation;
using StreamRec.UnitTests.DriftDetector;

namespace StreamRec.UnitTests.Evaluation;

public sealed class ThresholdCalibrationTests
{
    private static readonly DetectorSweep Sweep = new("test detector", "", "t", [1, 2, 3, 4], _ => throw new InvalidOperationException("not run"));

    /// <summary>10 changes in one 1,000-event stream, <paramref name="detected"/> of them found, plus false alarms on a stationary 1,000-event stream.</summary>
    private static DetectionResult Result(int detected, int falseAlarms, int stationaryFalseAlarms = 0)
    {
        var result = new DetectionResult();
        result.Add(new StreamOutcome(1000, 10, [.. Enumerable.Repeat(3, detected)], detected + falseAlarms, falseAlarms));
        result.Add(new StreamOutcome(1000, 0, [], stationaryFalseAlarms, stationaryFalseAlarms));
        return result;
    }

    [Fact]
    public void The_threshold_with_the_best_calibration_F1_is_chosen_whatever_the_test_split_says()
    {
        // Calibration F1: t=1 2PR/(P+R) with P 9/30, R 0.9 -> 0.45; t=2 P 0.8, R 0.8 -> 0.8; t=3 P 1, R 0.5 -> 0.667.
        // The test split favours t=3: the choice must not look at it.
        SweepPoint[] points =
        [
            new(Sweep, 1, Result(9, 21), Result(9, 21)),
            new(Sweep, 2, Result(8, 2), Result(5, 9)),
            new(Sweep, 3, Result(5, 0), Result(10, 0)),
        ];

        Assert.Equal(2, ThresholdCalibration.Best(points)!.Threshold);
        Assert.Equal(0.8, points[1].Calibration.F1, 12);
    }

    [Fact]
    public void A_false_alarm_budget_excludes_thresholds_that_exceed_it_on_calibration()
    {
        SweepPoint[] points =
        [
            new(Sweep, 2, Result(8, 2, stationaryFalseAlarms: 2), Result(8, 2)),
            new(Sweep, 3, Result(5, 0), Result(5, 0)),
        ];

        Assert.Equal(3, ThresholdCalibration.Best(points, r => r.StationaryFalseAlarmsPerThousand <= 1)!.Threshold);
        Assert.Null(ThresholdCalibration.Best(points, _ => false));
    }

    [Fact]
    public void Ties_go_to_fewer_false_alarms_then_to_the_higher_threshold()
    {
        // F1 0.5 three ways: 5 of 10 found with 5 false alarms (P = R = 0.5), and all 10 found with 20 false (P = 1/3, R = 1).
        SweepPoint[] points =
        [
            new(Sweep, 1, Result(5, 5), Result(5, 5)),
            new(Sweep, 2, Result(10, 20), Result(10, 20)),
            new(Sweep, 3, Result(5, 5), Result(5, 5)),
            new(Sweep, 4, Result(5, 10), Result(5, 10)),
        ];
        Assert.Equal(points[0].Calibration.F1, points[1].Calibration.F1); // the construction really ties

        Assert.Equal(3, ThresholdCalibration.Best(points)!.Threshold); // t=2 has more false alarms; t=3 beats t=1 as the higher
    }

    [Fact]
    public void Geometric_thresholds_span_the_range_with_two_significant_digits()
    {
        var grid = DetectorSweep.Geometric(1, 200, 32);

        Assert.Equal(1, grid[0]);
        Assert.Equal(200, grid[^1]);
        Assert.True(grid.Zip(grid.Skip(1)).All(p => p.Second > p.First));
        Assert.All(grid, t =>
        {
            var scaled = t * Math.Pow(10, 1 - (int)Math.Floor(Math.Log10(t))); // 1.2 -> 12, 18 -> 18, 200 -> 20
            Assert.True(Math.Abs(scaled - Math.Round(scaled)) < 1e-9, $"{t} has more than two significant digits");
        });
        Assert.Contains(18, grid); // values people can type into a configuration: ..., 15, 18, 22, 26, ...
    }

    [Fact]
    public void A_parallel_sweep_equals_running_each_threshold_alone()
    {
        var (streams, items) = SmallWorld();
        var parameters = new DriftParameters();
        var sweep = new DetectorSweep("StreamRec", "k=1", "h", [2, 5, 18], h => new StreamRecDetector(parameters with { CusumThreshold = h }, items.Dimension));

        var points = ThresholdSweep.Run([sweep], streams, streams, items, maxDelay: 30);

        Assert.Equal([2.0, 5, 18], points.Select(p => p.Threshold));
        foreach (var point in points)
        {
            var alone = ThresholdSweep.Evaluate(sweep.Create(point.Threshold), streams, items, 30);
            Assert.Equal((alone.Alarms, alone.FalseAlarms, alone.Detected), (point.Calibration.Alarms, point.Calibration.FalseAlarms, point.Calibration.Detected));
            Assert.Equal(alone.Delays, point.Test.Delays);
        }
    }

    /// <summary>A few users over random cluster centres: two switch at event 150, two do not.</summary>
    internal static (List<EvaluationStream> Streams, ItemEmbeddings Items) SmallWorld()
    {
        var generator = new DriftStreams(dimension: 16, seed: 8);
        var centres = Enumerable.Range(0, 4).Select(_ => generator.Centre()).ToArray();
        var values = new List<float>();
        var streams = new List<EvaluationStream>();
        for (var u = 0; u < 4; u++)
        {
            var switching = u < 2;
            var items = new int[300];
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = values.Count / 16;
                values.AddRange(generator.Around(centres[switching && i >= 150 ? (u + 2) % 4 : u], 0.3));
            }

            streams.Add(new EvaluationStream($"user {u}", switching ? StreamKind.SyntheticSwitching : StreamKind.SyntheticStationary,
                items, [.. Enumerable.Repeat(1f, items.Length)], switching ? [150] : []));
        }

        return (streams, new ItemEmbeddings([.. values], 16));
    }
}
