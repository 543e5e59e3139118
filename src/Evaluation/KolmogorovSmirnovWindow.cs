namespace StreamRec.Evaluation;

/// <summary>
/// KSWIN (Raab, Heusinger and Schleif, "Reactive Soft Prototype Computing for Concept Drift Streams",
/// Neurocomputing 2020) on plain doubles, as river's <c>drift.KSWIN</c> defines it: a sliding window of
/// <c>windowSize</c> values; once it is full, every new value compares the last <c>statSize</c> values
/// with <c>statSize</c> values drawn uniformly without replacement from the older part by the two-sample
/// Kolmogorov-Smirnov test (<see cref="KolmogorovSmirnov"/>, exact as scipy's "auto"), and a change is
/// p &lt;= α with D &gt; 0.1, after which only the last <c>statSize</c> values are kept. The draw comes from
/// <see cref="EvaluationRandom"/>, not Python's generator, so the samples (not their distribution) differ
/// from river's; <see cref="Reset"/> re-seeds it, so a stream gives the same result every time.
/// </summary>
internal sealed class KolmogorovSmirnovWindow
{
    private readonly double _alpha;
    private readonly ulong _seed;
    private readonly double[] _window;
    private readonly int[] _positions;
    private readonly double[] _older;
    private readonly double[] _recent;
    private EvaluationRandom _random;
    private int _start;
    private int _count;

    public KolmogorovSmirnovWindow(double alpha, ulong seed, int windowSize = 100, int statSize = 30)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(alpha);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(statSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSize, 2 * statSize);
        (_alpha, _seed) = (alpha, seed);
        _window = new double[windowSize];
        _positions = new int[windowSize - statSize];
        _older = new double[statSize];
        _recent = new double[statSize];
        _random = new EvaluationRandom(seed);
    }

    /// <summary>The KS statistic D of the last test (0 before the window first fills).</summary>
    public double Statistic { get; private set; }

    /// <summary>Its p-value (1 before the window first fills).</summary>
    public double PValue { get; private set; } = 1;

    /// <summary>Whether the last change found had the recent sample's mean above the older sample's.</summary>
    public bool Increase { get; private set; }

    /// <summary>Adds one value; true when the test that follows it finds a change (in either direction).</summary>
    public bool Update(double value)
    {
        var size = _window.Length;
        if (_count == size)
        {
            _start = (_start + 1) % size;
            _count--;
        }

        _window[(_start + _count) % size] = value;
        _count++;
        Increase = false;
        if (_count < size)
        {
            return false;
        }

        var statSize = _recent.Length;
        var older = _positions.Length;
        for (var i = 0; i < older; i++)
        {
            _positions[i] = i;
        }

        for (var i = 0; i < statSize; i++)
        {
            // A partial Fisher-Yates shuffle: the first statSize positions are a uniform draw without replacement.
            var j = i + _random.NextInt(older - i);
            (_positions[i], _positions[j]) = (_positions[j], _positions[i]);
            _older[i] = At(_positions[i]);
            _recent[i] = At(older + i);
        }

        var recentAboveOlder = Sum(_recent) > Sum(_older);
        Statistic = KolmogorovSmirnov.Statistic(_older, _recent);
        PValue = KolmogorovSmirnov.PValue(Statistic, statSize);
        if (PValue > _alpha || Statistic <= 0.1)
        {
            return false;
        }

        Increase = recentAboveOlder;
        _start = (_start + older) % size;
        _count = statSize;
        return true;
    }

    /// <summary>Empties the window (the generator goes on).</summary>
    public void Clear() => (_start, _count, Statistic, PValue, Increase) = (0, 0, 0, 1, false);

    /// <summary>Empties the window and re-seeds the generator: the state of a new instance.</summary>
    public void Reset()
    {
        Clear();
        _random = new EvaluationRandom(_seed);
    }

    private double At(int position) => _window[(_start + position) % _window.Length];

    private static double Sum(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var value in values)
        {
            sum += value;
        }

        return sum;
    }
}
