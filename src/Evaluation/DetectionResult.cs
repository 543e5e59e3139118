namespace StreamRec.Evaluation;

/// <summary>
/// One detector setting's outcome over a set of streams, and the metrics of the report. Stationary
/// streams (no true change: stationary synthetic users, unspliced real users) also get their own false
/// alarm rate, the figure the defaults are held to.
/// </summary>
public sealed class DetectionResult
{
    private readonly List<int> _delays = [];
    private bool _sorted = true;

    public int Streams { get; private set; }

    public long Events { get; private set; }

    public int Changes { get; private set; }

    public int Detected => _delays.Count;

    public long Alarms { get; private set; }

    public long FalseAlarms { get; private set; }

    public long StationaryEvents { get; private set; }

    public long StationaryFalseAlarms { get; private set; }

    /// <summary>Detected changes over true changes (NaN without changes).</summary>
    public double Recall => Changes == 0 ? double.NaN : (double)Detected / Changes;

    /// <summary>Alarms that detected a change over all alarms (NaN without alarms).</summary>
    public double Precision => Alarms == 0 ? double.NaN : (double)(Alarms - FalseAlarms) / Alarms;

    /// <summary>Harmonic mean of precision and recall; 0 when either is 0 or undefined.</summary>
    public double F1
    {
        get
        {
            var (p, r) = (Precision, Recall);
            return double.IsNaN(p) || double.IsNaN(r) || p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
    }

    public double FalseAlarmsPerThousand => Events == 0 ? double.NaN : 1000.0 * FalseAlarms / Events;

    public double StationaryFalseAlarmsPerThousand => StationaryEvents == 0 ? double.NaN : 1000.0 * StationaryFalseAlarms / StationaryEvents;

    /// <summary>Median delay of the detected changes, by nearest rank (NaN when none was detected).</summary>
    public double MedianDelay => DelayPercentile(0.5);

    /// <summary>90th percentile of the delays, by nearest rank.</summary>
    public double P90Delay => DelayPercentile(0.9);

    public IReadOnlyList<int> Delays
    {
        get
        {
            SortDelays();
            return _delays;
        }
    }

    public void Add(StreamOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        Streams++;
        Events += outcome.Events;
        Changes += outcome.Changes;
        Alarms += outcome.Alarms;
        FalseAlarms += outcome.FalseAlarms;
        if (outcome.Changes == 0)
        {
            StationaryEvents += outcome.Events;
            StationaryFalseAlarms += outcome.FalseAlarms;
        }

        _delays.AddRange(outcome.Delays);
        _sorted = outcome.Delays.Length == 0 && _sorted;
    }

    /// <summary>The smallest delay that at least <paramref name="fraction"/> of the detected changes do not exceed.</summary>
    public double DelayPercentile(double fraction)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1);
        if (_delays.Count == 0)
        {
            return double.NaN;
        }

        SortDelays();
        // The small tolerance keeps 0.9 x 30 = 27.000000000000004 at rank 27.
        return _delays[Math.Max(0, (int)Math.Ceiling((fraction * _delays.Count) - 1e-9) - 1)];
    }

    private void SortDelays()
    {
        if (!_sorted)
        {
            _delays.Sort();
            _sorted = true;
        }
    }
}
