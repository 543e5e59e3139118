using System.Globalization;

namespace StreamRec.Evaluation;

/// <summary>
/// Evaluates every detector on one ground truth: sweeps thresholds on both splits, picks each
/// detector's threshold on the calibration split (<see cref="ThresholdCalibration"/>) and reports the
/// test split's figures for it, next to StreamRec at its shipped defaults and, for the study behind
/// those defaults, StreamRec at each k held to the false-alarm budget; draws example timelines.
/// </summary>
public static class GroundTruthEvaluation
{
    /// <summary>Selection label of the F1-best rows.</summary>
    public const string BestF1 = "best F1 on calibration";

    /// <summary>Selection label of the rows held to the false-alarm budget.</summary>
    public const string WithinBudget = "best F1 on calibration among settings with <= 1 false alarm per 1,000 events on the calibration users without a change";

    /// <summary>Selection label of the rows that show StreamRec at each k (the study behind its defaults).</summary>
    public const string PerSlack = "StreamRec at each k: best h on calibration with <= 1 false alarm per 1,000 events on the calibration users without a change";

    /// <summary>Selection label of the shipped-defaults row.</summary>
    public const string Defaults = "shipped defaults";

    public static GroundTruthResult Run(
        string name,
        string description,
        IReadOnlyList<EvaluationStream> calibration,
        IReadOnlyList<EvaluationStream> test,
        ItemEmbeddings items,
        IReadOnlyList<DetectorSweep> sweeps,
        DetectorSweep defaults,
        IReadOnlyList<EvaluationStream> examples,
        int maxDelay,
        Action<int, int>? onPointDone = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sweeps);
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(examples);
        var points = ThresholdSweep.Run([.. sweeps, defaults], calibration, test, items, maxDelay, onPointDone, cancellationToken);
        var defaultsPoint = points.Single(p => p.Sweep == defaults);
        var detectors = sweeps.Select(s => s.Detector).Distinct().ToList();
        var selected = new List<SelectedDetector>();
        foreach (var (selection, admissible) in new (string, Func<DetectionResult, bool>?)[]
                 {
                     (BestF1, null),
                     (WithinBudget, r => r.StationaryFalseAlarmsPerThousand <= 1),
                 })
        {
            foreach (var detector in detectors)
            {
                if (ThresholdCalibration.Best(points.Where(p => p.Detector == detector), admissible) is { } best)
                {
                    selected.Add(new SelectedDetector(detector, selection, best));
                }
            }
        }

        foreach (var setting in sweeps.Where(s => s.Detector == DetectorSweeps.StreamRec))
        {
            if (ThresholdCalibration.Best(points.Where(p => p.Sweep == setting), r => r.StationaryFalseAlarmsPerThousand <= 1) is { } best)
            {
                selected.Add(new SelectedDetector(setting.Detector, PerSlack, best));
            }
        }

        selected.Add(new SelectedDetector(defaults.Detector, Defaults, defaultsPoint));
        var timelines = examples.Select(stream => Timeline(stream, items, defaultsPoint, selected.Where(s => s.Selection == BestF1).ToList())).ToList();
        return new GroundTruthResult(name, description, maxDelay, points, selected, timelines);
    }

    /// <summary>A one-line account of a split: streams, changes and events.</summary>
    public static string Describe(IReadOnlyList<EvaluationStream> streams)
    {
        ArgumentNullException.ThrowIfNull(streams);
        var changing = streams.Count(s => !s.IsStationary);
        return string.Create(CultureInfo.InvariantCulture,
            $"{streams.Count:N0} users ({changing:N0} with changes, {streams.Count - changing:N0} without), {streams.Sum(s => s.ChangePoints.Length):N0} changes, {streams.Sum(s => (long)s.Length):N0} events");
    }

    private static DriftTimeline Timeline(EvaluationStream stream, ItemEmbeddings items, SweepPoint defaults, IReadOnlyList<SelectedDetector> rows)
    {
        // StreamRec's threshold grows with the user's events: record the one each event was judged against.
        var detector = defaults.Sweep.Create(defaults.Threshold);
        var (scores, thresholds, defaultAlarms) = (new double[stream.Length], new double[stream.Length], new List<int>());
        detector.Reset();
        for (var i = 0; i < stream.Length; i++)
        {
            var step = detector.Step(items[stream.Items[i]], stream.Weights[i]);
            scores[i] = step.Score;
            thresholds[i] = detector is StreamRecDetector streamRec ? streamRec.Threshold : defaults.Threshold;
            if (step.Alarm)
            {
                defaultAlarms.Add(i);
            }
        }

        var alarms = new List<TimelineAlarms> { new(defaults.Detector, defaults.Describe(), [.. defaultAlarms]) };
        alarms.AddRange(rows.Select(row => new TimelineAlarms(row.Detector, row.Point.Describe(),
            [.. ThresholdSweep.Alarms(row.Point.Sweep.Create(row.Point.Threshold), stream, items)])));
        return new DriftTimeline(stream.Label, stream.Kind, scores, thresholds, stream.ChangePoints, alarms);
    }
}
