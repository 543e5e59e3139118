using System.Diagnostics;
using System.Diagnostics.Tracing;

namespace StreamRec.Benchmarks.EndToEnd;

/// <summary>
/// What in this process could hold an event up, on a timeline of Unix milliseconds (the clock the
/// events' <c>ts</c> uses), recorded while a latency phase runs, so that the slowest records can be
/// lined up against it:
/// <list type="bullet">
/// <item>GC pauses: the runtime's own GC events (suspension begin to restart end), by generation;</item>
/// <item>thread-pool queueing: a work item queued every 10 ms, and how long it waited to run (the stage
/// loops block pool threads in Consume, so a starved pool delays every Redis continuation and awaited
/// step); with the pool's thread count and the runtime's starvation injections.</item>
/// </list>
/// </summary>
internal sealed class RuntimeStalls : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private const EventKeywords ThreadingKeyword = (EventKeywords)0x10000;

    private readonly List<Pause> _pauses = [];
    private readonly List<long> _starvation = [];
    private readonly List<QueueDelay> _delays = [];
    private readonly Thread _ticker;
    private readonly CancellationTokenSource _stop = new();
    private readonly long _gen0, _gen1, _gen2;
    private readonly TimeSpan _pausedBefore;
    private readonly long _allocatedBefore;
    private long _suspendedAt = -1;
    private int _generation = -1;
    private int _minThreads = int.MaxValue, _maxThreads;

    public RuntimeStalls()
    {
        _gen0 = GC.CollectionCount(0);
        _gen1 = GC.CollectionCount(1);
        _gen2 = GC.CollectionCount(2);
        _pausedBefore = GC.GetTotalPauseDuration();
        _allocatedBefore = GC.GetTotalAllocatedBytes();
        _ticker = new Thread(Tick) { Name = "bench-stalls", IsBackground = true };
        _ticker.Start();
    }

    /// <summary>Stops recording and returns what was seen.</summary>
    public StallReport Stop()
    {
        _stop.Cancel();
        _ticker.Join();
        Dispose();
        lock (_pauses)
        {
            return new StallReport(
                GC.CollectionCount(0) - _gen0, GC.CollectionCount(1) - _gen1, GC.CollectionCount(2) - _gen2,
                (GC.GetTotalPauseDuration() - _pausedBefore).TotalMilliseconds, GC.GetTotalAllocatedBytes() - _allocatedBefore,
                [.. _pauses], [.. _starvation], [.. _delays], _minThreads == int.MaxValue ? 0 : _minThreads, _maxThreads);
        }
    }

    public override void Dispose()
    {
        _stop.Dispose();
        base.Dispose();
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Informational, GcKeyword | ThreadingKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        var at = new DateTimeOffset(eventData.TimeStamp).ToUnixTimeMilliseconds();
        var atTicks = eventData.TimeStamp.Ticks;
        lock (_pauses)
        {
            switch (eventData.EventName)
            {
                case "GCStart_V2" or "GCStart_V1" or "GCStart":
                    _generation = Convert.ToInt32(eventData.Payload![1], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "GCSuspendEEBegin_V1" or "GCSuspendEEBegin":
                    _suspendedAt = atTicks;
                    break;
                case "GCRestartEEEnd_V1" or "GCRestartEEEnd" when _suspendedAt >= 0:
                    var duration = TimeSpan.FromTicks(atTicks - _suspendedAt).TotalMilliseconds;
                    _pauses.Add(new Pause(at - (long)duration, duration, _generation));
                    _suspendedAt = -1;
                    break;
                case "ThreadPoolWorkerThreadAdjustmentAdjustment":
                    // Reason 6: starvation (the pool injected a thread because queued work made no progress).
                    if (eventData.Payload is { Count: >= 3 } payload && Convert.ToInt32(payload[2], System.Globalization.CultureInfo.InvariantCulture) == 6)
                    {
                        _starvation.Add(at);
                    }

                    break;
            }
        }
    }

    private void Tick()
    {
        while (!_stop.Token.WaitHandle.WaitOne(10))
        {
            var queued = Stopwatch.GetTimestamp();
            var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                var waited = Stopwatch.GetElapsedTime(queued).TotalMilliseconds;
                lock (_pauses)
                {
                    _delays.Add(new QueueDelay(at, waited));
                }
            }, null);
            var threads = ThreadPool.ThreadCount;
            _minThreads = Math.Min(_minThreads, threads);
            _maxThreads = Math.Max(_maxThreads, threads);
        }
    }
}

/// <summary>A GC pause: start (Unix ms), length (ms), generation collected.</summary>
internal readonly record struct Pause(long Start, double Milliseconds, int Generation);

/// <summary>A probe work item queued at <paramref name="At"/> (Unix ms) that waited <paramref name="Milliseconds"/> to run.</summary>
internal readonly record struct QueueDelay(long At, double Milliseconds);

/// <summary>What <see cref="RuntimeStalls"/> recorded over a phase.</summary>
internal sealed record StallReport(long Gen0, long Gen1, long Gen2, double PausedMs, long AllocatedBytes, Pause[] Pauses, long[] Starvation,
    QueueDelay[] Delays, int MinThreads, int MaxThreads)
{
    public double MaxPauseMs => Pauses.Length == 0 ? 0 : Pauses.Max(p => p.Milliseconds);

    /// <summary>Milliseconds of GC pause that fall inside [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public double PausedWithin(long from, long to) =>
        Pauses.Sum(p => Math.Max(0, Math.Min(to, p.Start + p.Milliseconds) - Math.Max(from, p.Start)));

    /// <summary>The longest thread-pool queueing delay of a probe item queued inside the window.</summary>
    public double MaxQueueDelayWithin(long from, long to) =>
        Delays.Where(d => d.At >= from && d.At <= to).Select(d => d.Milliseconds).DefaultIfEmpty(0).Max();
}
