using System.Diagnostics;

namespace StreamRec.Benchmarks.Harness;

/// <summary>
/// A small Stopwatch harness for throughput (BenchmarkDotNet would be overkill for a handful of
/// native-call loops whose cost is milliseconds, and its process-per-benchmark model does not suit
/// benchmarks that set up servers).
/// <list type="number">
/// <item>Warm-up: run the operation for <c>warmup</c> wall time (JIT tiering, ORT arena growth, caches).</item>
/// <item>Calibrate: count how many operations fit in <c>repetitionTarget</c>, so that every repetition is
/// long enough for the Stopwatch and short enough for several of them.</item>
/// <item>Measure: <c>repetitions</c> timed repetitions of that many operations; report each one's rate.
/// The median is the headline figure; min and max show the spread (noisy neighbours, frequency
/// scaling).</item>
/// </list>
/// A full GC runs before each repetition so that collections of the previous one are not billed to it.
/// </summary>
internal static class Throughput
{
    public static ThroughputResult Measure(
        Action operation, int itemsPerOperation, int repetitions, TimeSpan warmup, TimeSpan repetitionTarget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);

        var clock = Stopwatch.StartNew();
        var warmupOperations = 0;
        while (clock.Elapsed < warmup)
        {
            operation();
            warmupOperations++;
        }

        var perOperation = clock.Elapsed / Math.Max(1, warmupOperations);
        var operationsPerRepetition = (int)Math.Clamp(repetitionTarget / perOperation, 1, int.MaxValue);

        var rates = new double[repetitions];
        for (var r = 0; r < repetitions; r++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < operationsPerRepetition; i++)
            {
                operation();
            }

            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            rates[r] = (double)operationsPerRepetition * itemsPerOperation / seconds;
        }

        return new ThroughputResult(operationsPerRepetition, itemsPerOperation, rates);
    }
}
