using System.Diagnostics.Metrics;
using StreamRec.Messaging;

namespace StreamRec.Replay.Terminal;

/// <summary>
/// The StreamRec counters of one meter (the stages' <see cref="StreamRecMetrics"/>: the same instruments
/// /metrics exposes), summed by name and stage label, for the demo's progress line, report and summary.
/// Listens to <c>Counter&lt;long&gt;</c> and <c>Counter&lt;double&gt;</c> (epsilon spent is fractional) of
/// that meter only, not to another meter of the same name in the process.
/// </summary>
public sealed class StageCounters : IDisposable
{
    public const string Mutations = "streamrec_mutations_total";
    public const string RecommendationsPublished = "streamrec_recommendations_published_total";
    public const string EpsilonSpent = "streamrec_privacy_epsilon_spent_total";

    private readonly MeterListener _listener = new();
    private readonly Dictionary<(string Name, string? Stage), double> _values = [];
    private readonly Lock _gate = new();
    private readonly StreamRecMetrics _metrics;

    public StageCounters(StreamRecMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _metrics = metrics;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == metrics.Meter && instrument is Counter<long> or Counter<double>)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    public long Consumed(string stage) => (long)Get(_metrics.EventsConsumed.Name, stage);

    public long Forwarded(string stage) => (long)Get(_metrics.EventsForwarded.Name, stage);

    public long DeadLettered(string stage) => (long)Get(_metrics.EventsDeadLettered.Name, stage);

    /// <summary>A whole-number counter summed over its labels.</summary>
    public long Total(string name) => (long)Sum(name);

    /// <summary>A counter summed over its labels, fractions kept (e.g. streamrec_privacy_epsilon_spent_total).</summary>
    public double Sum(string name)
    {
        lock (_gate)
        {
            return _values.Where(p => p.Key.Name == name).Sum(p => p.Value);
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? stage = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "stage")
            {
                stage = tag.Value as string;
            }
        }

        lock (_gate)
        {
            _values[(instrument.Name, stage)] = _values.GetValueOrDefault((instrument.Name, stage)) + value;
        }
    }

    private double Get(string name, string stage)
    {
        lock (_gate)
        {
            return _values.GetValueOrDefault((name, stage));
        }
    }
}
