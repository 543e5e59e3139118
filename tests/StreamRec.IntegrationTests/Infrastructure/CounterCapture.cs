using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using StreamRec.Messaging;
using StreamRec.Messaging.Health;
using StreamRec.TestSupport;

namespace StreamRec.IntegrationTests.Infrastructure;

/// <summary>
/// A meter of the test's own (<see cref="TestTelemetry"/>), or a host's, and the counter increments made on
/// it while it lives. The test hands <see cref="Metrics"/> (and <see cref="Consumers"/>) to its stages: what
/// other tests count at the same time, on their own meters of the same name, is not seen here.
/// </summary>
public sealed class CounterCapture : IDisposable
{
    private readonly TestTelemetry? _telemetry;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Name, string Tags), long> _values = new();

    public CounterCapture()
        : this(new TestTelemetry())
    {
    }

    /// <summary>Captures what a host counts: <paramref name="metrics"/> from its services.</summary>
    public CounterCapture(StreamRecMetrics metrics)
        : this(null, metrics)
    {
    }

    private CounterCapture(TestTelemetry telemetry)
        : this(telemetry, telemetry.Metrics)
    {
    }

    private CounterCapture(TestTelemetry? telemetry, StreamRecMetrics metrics)
    {
        _telemetry = telemetry;
        Metrics = metrics;
        var meter = metrics.Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == meter)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"));
            _values.AddOrUpdate((instrument.Name, key), value, (_, v) => v + value);
        });
        _listener.Start();
    }

    /// <summary>The meter and shared instruments the test's stages count on.</summary>
    public StreamRecMetrics Metrics { get; }

    /// <summary>The consumer registry the test's stage loops register in (not for a host's meter: the host has its own).</summary>
    public ConsumerStatusRegistry Consumers => _telemetry?.Consumers ?? throw new InvalidOperationException("A host's counters: its consumer registry is among its services.");

    /// <summary>The total of a counter over the series whose labels include <paramref name="tag"/>=<paramref name="value"/>.</summary>
    public long Get(string name, string tag, string value) =>
        _values.Where(p => p.Key.Name == name && p.Key.Tags.Split(',').Contains($"{tag}={value}")).Sum(p => p.Value);

    /// <summary>The total of a counter over all its series.</summary>
    public long Total(string name) => _values.Where(p => p.Key.Name == name).Sum(p => p.Value);

    public void Dispose()
    {
        _listener.Dispose();
        _telemetry?.Dispose();
    }
}
