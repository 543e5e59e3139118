using System.Diagnostics;
using System.Globalization;
using StreamRec.DriftDetector.Stage;
using StreamRec.Embedder.Stage;
using StreamRec.Ingest;

namespace StreamRec.Replay.Terminal;

/// <summary>
/// Watches the demo's pipeline while MovieLens is replayed and while the stages drain: samples the
/// replay's delivery count and the stage counters, prints them as one progress line on stderr
/// (events/s through the pipeline, lag, mutations, recommendations, epsilon) and keeps the samples
/// for the report's plots.
/// </summary>
public sealed class PipelineMonitor(StageCounters counters, Func<long> replayed, long total)
{
    /// <summary>Rates are taken over this window: short enough to be live, long enough not to flicker with batches.</summary>
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(1);

    /// <summary>Samples kept for the report: a few per second is plenty for a plot of the run.</summary>
    private static readonly TimeSpan RecordInterval = TimeSpan.FromMilliseconds(250);

    public const string Replaying = "replaying";
    public const string Draining = "draining";

    private readonly ProgressLine _progress = new("pipeline", total);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<PipelineSample> _samples = [];

    public IReadOnlyList<PipelineSample> Samples => _samples;

    /// <summary>
    /// Samples now and updates the progress line (throttled by <see cref="ProgressLine"/>). The line leads
    /// with handled events and their rate per second; what a narrow terminal cuts off is the phase, last.
    /// </summary>
    public PipelineSample Tick(string phase) => Observe(phase, complete: false);

    /// <summary>Takes the last sample and prints the final progress line.</summary>
    public PipelineSample Complete(string phase) => Observe(phase, complete: true);

    private PipelineSample Observe(string phase, bool complete)
    {
        var sample = Sample();
        if (complete || _samples.Count == 0 || sample.Elapsed - _samples[^1].Elapsed >= RecordInterval)
        {
            _samples.Add(sample);
        }

        var earlier = _samples.LastOrDefault(s => s.Elapsed <= sample.Elapsed - RateWindow) ?? _samples[0];
        var seconds = (sample.Elapsed - earlier.Elapsed).TotalSeconds;
        var rate = seconds > 0 ? (sample.Handled - earlier.Handled) / seconds : 0;
        var replayRate = seconds > 0 ? (sample.Replayed - earlier.Replayed) / seconds : 0;
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"lag {sample.Lag:N0}  mutations {sample.Mutations:N0}  recommendations {sample.Recommendations:N0}  epsilon {sample.Epsilon:0.#}  ({phase}{(phase == Replaying ? $" at {replayRate:N0}/s" : "")})");
        if (complete)
        {
            _progress.Complete(sample.Handled, detail); // the run's average: the last second may be idle
        }
        else
        {
            _progress.Report(sample.Handled, detail, rate: rate);
        }

        return sample;
    }

    private PipelineSample Sample()
    {
        // The counts are read one after another while the stages run, and a record can be consumed before
        // its delivery report reaches the replayer: a backlog read a moment early is clamped at 0.
        var raw = replayed();
        var ingested = counters.Consumed(IngestProcessor.Stage);
        var clean = counters.Forwarded(IngestProcessor.Stage);
        var embedConsumed = counters.Consumed(EmbedderProcessor.Stage);
        var embedded = counters.Forwarded(EmbedderProcessor.Stage);
        var drifted = counters.Consumed(DriftProcessor.Stage);
        var handled = drifted + counters.DeadLettered(IngestProcessor.Stage) + counters.DeadLettered(EmbedderProcessor.Stage);
        return new PipelineSample(_clock.Elapsed, raw, handled,
            Math.Max(raw - ingested, 0), Math.Max(clean - embedConsumed, 0), Math.Max(embedded - drifted, 0),
            counters.Total(StageCounters.Mutations), counters.Total(StageCounters.RecommendationsPublished),
            counters.Sum(StageCounters.EpsilonSpent));
    }
}
