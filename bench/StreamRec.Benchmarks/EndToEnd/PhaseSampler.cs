using System.Diagnostics;

namespace StreamRec.Benchmarks.EndToEnd;

/// <summary>
/// Samples the pipeline every <c>interval</c> on its own thread while a phase runs: events produced,
/// events through the drift stage, and each stage's backlog. Rates are then read over any window of
/// the phase (e.g. leaving out its first seconds).
/// </summary>
internal sealed class PhaseSampler : IDisposable
{
    private readonly List<PipelineSample> _samples = [];
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();

    public PhaseSampler(Pipeline pipeline, LoadGenerator load, TimeSpan interval)
    {
        var clock = Stopwatch.StartNew();
        void Take()
        {
            var produced = load.Produced;
            var sample = new PipelineSample(clock.Elapsed.TotalSeconds, produced, pipeline.Detected, pipeline.Backlog(produced));
            lock (_samples)
            {
                _samples.Add(sample);
            }
        }

        Take();
        _thread = new Thread(() =>
        {
            while (!_stop.Token.WaitHandle.WaitOne(interval))
            {
                Take();
            }

            Take();
        })
        { Name = "bench-sampler", IsBackground = true };
        _thread.Start();
    }

    /// <summary>Stops sampling (with a last sample) and returns the samples.</summary>
    public IReadOnlyList<PipelineSample> Stop()
    {
        _stop.Cancel();
        _thread.Join();
        lock (_samples)
        {
            return [.. _samples];
        }
    }

    public void Dispose()
    {
        if (!_stop.IsCancellationRequested)
        {
            Stop();
        }

        _stop.Dispose();
    }
}

/// <summary>One sample: seconds into the phase, events produced and through the drift stage (totals), backlogs.</summary>
internal sealed record PipelineSample(double Seconds, long Produced, long Detected, Backlog Backlog)
{
    /// <summary>Events/s produced and through the drift stage between the first sample at or after <paramref name="from"/> seconds and the last one.</summary>
    public static (double Offered, double Detected, double Seconds) Rates(IReadOnlyList<PipelineSample> samples, double from)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var first = samples.FirstOrDefault(s => s.Seconds >= from) ?? samples[0];
        var last = samples[^1];
        var seconds = last.Seconds - first.Seconds;
        return seconds <= 0 ? (0, 0, 0) : ((last.Produced - first.Produced) / seconds, (last.Detected - first.Detected) / seconds, seconds);
    }
}
