namespace StreamRec.Evaluation;

/// <summary>
/// Recall against false alarms for every detector on every family of real-data changes, so that no
/// comparison rests on one threshold. Every setting at every threshold runs once over every stream of both
/// splits (a family's streams and the controls); recall on each family and false alarms on the controls
/// (overall and per history-length stratum) are read from those runs. At each false-alarm budget each
/// detector's point is chosen on calibration (<see cref="CurveCalibration"/>) and reported on test, with a
/// bootstrap interval of its recall over the family's streams; the test frontier is kept for the plots.
/// </summary>
public static class OperatingCurves
{
    /// <summary>The budgets reported, in false alarms per 1,000 events on the controls.</summary>
    public static readonly IReadOnlyList<double> Budgets = [0.1, 0.2, 0.5, 1, 2];

    /// <summary>Bootstrap streams of <see cref="EvaluationRandom.For"/>, one per family: apart from those of <see cref="HistoryLengthStrata"/>.</summary>
    private const ulong BootstrapPurpose = 0x5757_0002UL;

    /// <param name="sweeps">Every detector's settings and thresholds (grouped by <see cref="DetectorSweep.Detector"/>).</param>
    /// <param name="calibration">The calibration split's families and controls.</param>
    /// <param name="test">The test split's, with the same families in the same order.</param>
    /// <param name="items">The embeddings the streams' items refer to.</param>
    /// <param name="maxDelay">Longest delay that still detects an abrupt change.</param>
    /// <param name="seed">Seeds the bootstrap: every detector is measured on the same resampled streams of a family.</param>
    /// <param name="resamples">Bootstrap resamples.</param>
    /// <param name="budgets">The budgets, increasing; null for <see cref="Budgets"/>.</param>
    /// <param name="onPointDone">Called with (points done, points in all) after each point, from any thread.</param>
    /// <param name="cancellationToken">Stops between points.</param>
    public static OperatingCurvesResult Run(
        IReadOnlyList<DetectorSweep> sweeps,
        FamilySplit calibration,
        FamilySplit test,
        ItemEmbeddings items,
        int maxDelay,
        ulong seed,
        int resamples,
        IReadOnlyList<double>? budgets = null,
        Action<int, int>? onPointDone = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sweeps);
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(test);
        budgets ??= Budgets;
        if (!calibration.Families.Select(f => f.Name).SequenceEqual(test.Families.Select(f => f.Name), StringComparer.Ordinal))
        {
            throw new ArgumentException("Both splits need the same families in the same order.", nameof(test));
        }

        var work = sweeps.SelectMany(sweep => sweep.Thresholds.Select(threshold => (Sweep: sweep, Threshold: threshold))).ToArray();
        var (calibrationRuns, testRuns) = (new SplitRuns(calibration, work.Length), new SplitRuns(test, work.Length));
        var done = 0;
        Parallel.For(0, work.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var detector = work[i].Sweep.Create(work[i].Threshold);
            calibrationRuns.Run(i, detector, items, maxDelay);
            testRuns.Run(i, detector, items, maxDelay);
            onPointDone?.Invoke(Interlocked.Increment(ref done), work.Length);
        });

        var detectors = sweeps.Select(s => s.Detector).Distinct().ToList();
        var selections = new List<CurveSelection>();
        var curves = new List<DetectorCurve>();
        for (var f = 0; f < test.Families.Count; f++)
        {
            var family = test.Families[f];
            foreach (var detector in detectors)
            {
                var indices = Enumerable.Range(0, work.Length).Where(i => work[i].Sweep.Detector == detector).ToList();
                var calibrationPoints = indices.Select(i => calibrationRuns.Point(i, work[i], f)).ToList();
                var testPoints = indices.Select(i => testRuns.Point(i, work[i], f)).ToList();
                curves.Add(new DetectorCurve(family.Name, detector, Frontier(testPoints)));
                foreach (var everyStratum in new[] { false, true })
                {
                    foreach (var budget in budgets)
                    {
                        if (CurveCalibration.Best(calibrationPoints, budget, everyStratum) is not { } best)
                        {
                            continue;
                        }

                        var point = testPoints[best];
                        var (low, high) = RatioBootstrap.Interval(testRuns.RecallUnits(indices[best], f), 1, EvaluationRandom.For(seed, BootstrapPurpose, f), resamples);
                        selections.Add(new CurveSelection(family.Name, detector, budget, everyStratum, point.Describe(),
                            calibrationPoints[best].Recall, point.Recall, low, high, point.ControlRate, point.MaxStratumRate, testRuns.MedianDelay(indices[best], f)));
                    }
                }
            }
        }

        return new OperatingCurvesResult(maxDelay, budgets, test.Families, test.Controls, detectors, selections, curves);
    }

    /// <summary>The points no other point beats on both counts (higher recall at no more false alarms), by increasing false-alarm rate.</summary>
    public static List<OperatingPoint> Frontier(IEnumerable<OperatingPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var frontier = new List<OperatingPoint>();
        foreach (var point in points.Where(p => double.IsFinite(p.Recall) && double.IsFinite(p.ControlRate))
                     .OrderBy(p => p.ControlRate).ThenByDescending(p => p.Recall))
        {
            if (frontier.Count == 0 || point.Recall > frontier[^1].Recall)
            {
                frontier.Add(point);
            }
        }

        return frontier;
    }

    /// <summary>
    /// One split's streams (controls first, then every family's streams, each once) and, per point, what
    /// the runs left: the delay of each change (0 = missed) and the false alarms of each stream. Points
    /// write disjoint slots, so they can run in parallel.
    /// </summary>
    private sealed class SplitRuns
    {
        private readonly List<EvaluationStream> _streams;
        private readonly int _controls;
        private readonly int[][] _members; // per family, indices into _streams
        private readonly int[] _firstChange; // per stream, its first change's index among all changes
        private readonly int[] _stratum; // per control, its history-length stratum
        private readonly int[][] _delays; // per point, per change
        private readonly int[][] _falseAlarms; // per point, per stream

        public SplitRuns(FamilySplit split, int points)
        {
            _streams = [.. split.Controls];
            _controls = _streams.Count;
            var index = new Dictionary<EvaluationStream, int>(ReferenceEqualityComparer.Instance);
            _members = [.. split.Families.Select(family => family.Streams.Select(stream =>
            {
                if (!index.TryGetValue(stream, out var i))
                {
                    index[stream] = i = _streams.Count;
                    _streams.Add(stream);
                }

                return i;
            }).ToArray())];
            _firstChange = new int[_streams.Count + 1];
            for (var s = 0; s < _streams.Count; s++)
            {
                _firstChange[s + 1] = _firstChange[s] + _streams[s].ChangePoints.Length;
            }

            _stratum = [.. _streams.Take(_controls).Select(s => HistoryLengthStrata.IndexOf(s.Length))];
            _delays = new int[points][];
            _falseAlarms = new int[points][];
        }

        public void Run(int point, IChangeDetector detector, ItemEmbeddings items, int maxDelay)
        {
            var delays = new int[_firstChange[^1]];
            var falseAlarms = new int[_streams.Count];
            for (var s = 0; s < _streams.Count; s++)
            {
                var stream = _streams[s];
                var alarms = ThresholdSweep.Alarms(detector, stream, items);
                var perChange = ChangeMatching.DelaysPerChange(stream.ChangePoints, alarms, maxDelay, stream.ChangeSpans);
                perChange.CopyTo(delays, _firstChange[s]);
                falseAlarms[s] = alarms.Count - perChange.Count(d => d > 0);
            }

            (_delays[point], _falseAlarms[point]) = (delays, falseAlarms);
        }

        public OperatingPoint Point(int point, (DetectorSweep Sweep, double Threshold) setting, int family)
        {
            long changes = 0, detected = 0;
            foreach (var s in _members[family])
            {
                for (var c = _firstChange[s]; c < _firstChange[s + 1]; c++)
                {
                    changes++;
                    detected += _delays[point][c] > 0 ? 1 : 0;
                }
            }

            var events = new long[HistoryLengthStrata.Labels.Count];
            var falseAlarms = new long[events.Length];
            for (var s = 0; s < _controls; s++)
            {
                events[_stratum[s]] += _streams[s].Length;
                falseAlarms[_stratum[s]] += _falseAlarms[point][s];
            }

            return new OperatingPoint(setting.Sweep, setting.Threshold, changes == 0 ? double.NaN : (double)detected / changes, PerThousand(falseAlarms.Sum(), events.Sum()),
                [.. events.Select((e, stratum) => PerThousand(falseAlarms[stratum], e))]);
        }

        /// <summary>Per stream of the family: (changes detected, changes), the units the recall's bootstrap resamples.</summary>
        public List<(long, long)> RecallUnits(int point, int family) =>
            [.. _members[family].Select(s => ((long)Enumerable.Range(_firstChange[s], _firstChange[s + 1] - _firstChange[s]).Count(c => _delays[point][c] > 0), (long)(_firstChange[s + 1] - _firstChange[s])))];

        public double MedianDelay(int point, int family)
        {
            var result = new DetectionResult();
            foreach (var s in _members[family])
            {
                var delays = _delays[point][_firstChange[s].._firstChange[s + 1]].Where(d => d > 0).ToArray();
                result.Add(new StreamOutcome(_streams[s].Length, delays.Length, delays, delays.Length, 0));
            }

            return result.MedianDelay;
        }

        private static double PerThousand(long falseAlarms, long events) => events == 0 ? double.NaN : 1000.0 * falseAlarms / events;
    }
}
