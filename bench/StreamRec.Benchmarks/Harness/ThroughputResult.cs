namespace StreamRec.Benchmarks.Harness;

/// <summary>
/// Items per second of each timed repetition, and the per-operation latency they imply.
/// </summary>
internal sealed record ThroughputResult(int OperationsPerRepetition, int ItemsPerOperation, double[] ItemsPerSecond)
{
    public double Median => Percentile(0.5);

    public double Min => ItemsPerSecond.Min();

    public double Max => ItemsPerSecond.Max();

    /// <summary>Median time of one operation (e.g. one model run), in microseconds.</summary>
    public double MedianMicrosecondsPerOperation => ItemsPerOperation * 1e6 / Median;

    private double Percentile(double quantile)
    {
        var sorted = ItemsPerSecond.Order().ToArray();
        var position = quantile * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }
}
