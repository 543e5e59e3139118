namespace StreamRec.Evaluation;

/// <summary>
/// Runs detectors over streams: every threshold of every sweep on both splits. Work items run in
/// parallel, each with its own detector; the result does not depend on the order they finish in.
/// </summary>
public static class ThresholdSweep
{
    /// <param name="sweeps">What to run.</param>
    /// <param name="calibration">The calibration split.</param>
    /// <param name="test">The test split.</param>
    /// <param name="items">The embeddings the streams' items refer to.</param>
    /// <param name="maxDelay">Longest delay that still detects a change.</param>
    /// <param name="onPointDone">Called with (points done, points in all) after each point, from any thread.</param>
    /// <param name="cancellationToken">Stops between points.</param>
    public static List<SweepPoint> Run(
        IReadOnlyList<DetectorSweep> sweeps,
        IReadOnlyList<EvaluationStream> calibration,
        IReadOnlyList<EvaluationStream> test,
        ItemEmbeddings items,
        int maxDelay,
        Action<int, int>? onPointDone = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sweeps);
        var work = sweeps.SelectMany(sweep => sweep.Thresholds.Select(threshold => (Sweep: sweep, Threshold: threshold))).ToArray();
        var points = new SweepPoint[work.Length];
        var done = 0;
        Parallel.For(0, work.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var (sweep, threshold) = work[i];
            var detector = sweep.Create(threshold);
            points[i] = new SweepPoint(sweep, threshold, Evaluate(detector, calibration, items, maxDelay), Evaluate(detector, test, items, maxDelay));
            onPointDone?.Invoke(Interlocked.Increment(ref done), work.Length);
        });
        return [.. points];
    }

    /// <summary>One detector over every stream (reset before each).</summary>
    public static DetectionResult Evaluate(IChangeDetector detector, IReadOnlyList<EvaluationStream> streams, ItemEmbeddings items, int maxDelay)
    {
        ArgumentNullException.ThrowIfNull(streams);
        var result = new DetectionResult();
        foreach (var stream in streams)
        {
            result.Add(ChangeMatching.Match(stream.Length, stream.ChangePoints, Alarms(detector, stream, items), maxDelay, stream.ChangeSpans));
        }

        return result;
    }

    /// <summary>The indices of the events on which <paramref name="detector"/> (reset first) raises an alarm.</summary>
    public static List<int> Alarms(IChangeDetector detector, EvaluationStream stream, ItemEmbeddings items, List<double>? scores = null)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(items);
        detector.Reset();
        var alarms = new List<int>();
        for (var i = 0; i < stream.Length; i++)
        {
            var step = detector.Step(items[stream.Items[i]], stream.Weights[i]);
            scores?.Add(step.Score);
            if (step.Alarm)
            {
                alarms.Add(i);
            }
        }

        return alarms;
    }
}
