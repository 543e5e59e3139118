namespace StreamRec.Evaluation;

/// <summary>
/// ADWIN's adaptive window (Bifet and Gavaldà, "Learning from Time-Changing Data with Adaptive
/// Windowing", SDM 2007) on plain doubles, computed as river's <c>drift.ADWIN</c> computes it: an
/// exponential histogram of buckets (row i holds buckets of 2^i values, at most <c>maxBuckets</c> per
/// row before the two oldest merge), a check for cuts every <c>clock</c> values once the window holds
/// more than <c>gracePeriod</c>, and at a check every split of the window into an older W0 and a newer
/// W1 at a bucket boundary, both at least <c>minWindowLength</c> long, is tested with
/// ε_cut = sqrt(2/m · v · ln(2/δ')) + 2/(3m) · ln(2/δ'), δ' = δ / ln n, v the variance of the whole
/// window and, as river writes it, 1/m = 1/(n0 - minWindowLength + 1) + 1/(n1 - minWindowLength + 1)
/// (the paper's 1/m = 1/n0 + 1/n1 is the case minWindowLength = 1). A cut drops the oldest bucket and
/// the check starts again, until no split differs by more than ε_cut.
/// </summary>
internal sealed class AdaptiveWindow
{
    private readonly double _delta;
    private readonly int _clock;
    private readonly int _maxBuckets;
    private readonly int _minWindowLength;
    private readonly int _gracePeriod;
    private readonly List<BucketRow> _rows = [];
    private int _rowCount;
    private long _tick;

    /// <param name="delta">δ, the confidence: lower means fewer cuts.</param>
    /// <param name="clock">Values between two checks for cuts.</param>
    /// <param name="maxBuckets">Buckets per row before the oldest two merge.</param>
    /// <param name="minWindowLength">The shortest W0 and W1 tested.</param>
    /// <param name="gracePeriod">No check while the window holds this many values or fewer.</param>
    public AdaptiveWindow(double delta, int clock = 32, int maxBuckets = 5, int minWindowLength = 5, int gracePeriod = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(delta);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(delta, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clock);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBuckets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minWindowLength);
        (_delta, _clock, _maxBuckets, _minWindowLength, _gracePeriod) = (delta, clock, maxBuckets, minWindowLength, gracePeriod);
    }

    /// <summary>Values in the window.</summary>
    public double Width { get; private set; }

    /// <summary>Their sum.</summary>
    public double Total { get; private set; }

    /// <summary>Their sum of squared deviations from the window's mean (the variance times <see cref="Width"/>).</summary>
    public double Variance { get; private set; }

    /// <summary>Buckets in each row, the newest row (single values) first.</summary>
    public IEnumerable<int> BucketsPerRow => _rows.Take(_rowCount).Select(row => row.Count);

    /// <summary>Whether the last <see cref="Update"/> cut the window at a split whose newer part W1 had the higher mean.</summary>
    public bool IncreaseDetected { get; private set; }

    /// <summary>
    /// The largest (mean(W1) - mean(W0)) - ε_cut over the splits tested at the last check (0 before the
    /// first): above 0 exactly when an increase was cut, and larger the clearer the increase.
    /// </summary>
    public double Evidence { get; private set; }

    /// <summary>Adds one value; true when the check that may follow it cut the window (in either direction).</summary>
    public bool Update(double value)
    {
        Insert(value);
        return DetectChange();
    }

    /// <summary>Empties the window, as a new river ADWIN would start (the clock included).</summary>
    public void Clear()
    {
        foreach (var row in _rows)
        {
            row.Count = 0;
        }

        _rowCount = 0;
        _tick = 0;
        (Width, Total, Variance, IncreaseDetected, Evidence) = (0, 0, 0, false, 0);
    }

    /// <summary>ε_cut for a split into <paramref name="n0"/> older and <paramref name="n1"/> newer values of a window of <paramref name="width"/> values with variance <paramref name="variance"/>.</summary>
    public static double CutThreshold(double n0, double n1, double width, double variance, double delta, int minWindowLength)
    {
        var logTerm = Math.Log(2 * Math.Log(width) / delta);
        var mReciprocal = (1.0 / (n0 - minWindowLength + 1)) + (1.0 / (n1 - minWindowLength + 1));
        return Math.Sqrt(2 * mReciprocal * variance * logTerm) + (2.0 / 3.0 * logTerm * mReciprocal);
    }

    private void Insert(double value)
    {
        Row(0).Add(value, 0);
        Width++;
        if (Width > 1)
        {
            var deviation = value - (Total / (Width - 1));
            Variance += (Width - 1) * deviation * deviation / Width;
        }

        Total += value;
        Compress();
    }

    private void Compress()
    {
        for (var index = 0; index < _rowCount && _rows[index].Count == _maxBuckets + 1; index++)
        {
            // The two oldest buckets of 2^index values become one of the next row; their variances add
            // up with the term for the difference of their means (Babcock et al. 2003).
            var row = _rows[index];
            var size = (double)(1L << index);
            var (first, second) = (row.Totals[0] / size, row.Totals[1] / size);
            var merged = row.Variances[0] + row.Variances[1] + (size * 0.5 * (first - second) * (first - second));
            var next = Row(index + 1);
            next.Add(row.Totals[0] + row.Totals[1], merged);
            row.RemoveOldest(2);
        }
    }

    private bool DetectChange()
    {
        IncreaseDetected = false;
        _tick++;
        if (_tick % _clock != 0 || Width <= _gracePeriod)
        {
            return false;
        }

        var changed = false;
        var evidence = double.NegativeInfinity;
        var cut = true;
        while (cut)
        {
            cut = false;
            double n0 = 0, n1 = Width, u0 = 0, u1 = Total;
            for (var index = _rowCount - 1; index >= 0 && !cut; index--)
            {
                var row = _rows[index];
                var size = (double)(1L << index);
                for (var k = 0; k < row.Count; k++)
                {
                    n0 += size;
                    n1 -= size;
                    u0 += row.Totals[k];
                    u1 -= row.Totals[k];
                    if (index == 0 && k == row.Count - 1)
                    {
                        break; // W1 would be empty
                    }

                    if (n0 < _minWindowLength || n1 < _minWindowLength)
                    {
                        continue;
                    }

                    var older = u0 / n0;
                    var newer = u1 / n1;
                    var epsilon = CutThreshold(n0, n1, Width, Variance / Width, _delta, _minWindowLength);
                    evidence = Math.Max(evidence, newer - older - epsilon);
                    if (Math.Abs(older - newer) > epsilon)
                    {
                        (cut, changed) = (true, true);
                        IncreaseDetected |= newer > older;
                        RemoveOldest();
                        break;
                    }
                }
            }
        }

        Evidence = double.IsNegativeInfinity(evidence) ? 0 : evidence;
        return changed;
    }

    private void RemoveOldest()
    {
        var row = _rows[_rowCount - 1];
        var size = (double)(1L << (_rowCount - 1));
        var (total, variance) = (row.Totals[0], row.Variances[0]);
        Width -= size;
        Total -= total;
        var deviation = (total / size) - (Total / Width);
        Variance -= variance + (size * Width * deviation * deviation / (size + Width));
        row.RemoveOldest(1);
        if (row.Count == 0)
        {
            _rowCount--;
        }
    }

    /// <summary>Row <paramref name="index"/>, made in use (and allocated the first time only).</summary>
    private BucketRow Row(int index)
    {
        if (index == _rows.Count)
        {
            _rows.Add(new BucketRow(_maxBuckets + 1));
        }

        _rowCount = Math.Max(_rowCount, index + 1);
        return _rows[index];
    }

    /// <summary>The buckets of one size, oldest first: each a total and a sum of squared deviations.</summary>
    private sealed class BucketRow(int capacity)
    {
        public double[] Totals { get; } = new double[capacity];

        public double[] Variances { get; } = new double[capacity];

        public int Count { get; set; }

        public void Add(double total, double variance)
        {
            Totals[Count] = total;
            Variances[Count] = variance;
            Count++;
        }

        public void RemoveOldest(int count)
        {
            Array.Copy(Totals, count, Totals, 0, Count - count);
            Array.Copy(Variances, count, Variances, 0, Count - count);
            Count -= count;
        }
    }
}
