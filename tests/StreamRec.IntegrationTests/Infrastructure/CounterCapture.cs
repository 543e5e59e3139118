using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using StreamRec.Messaging;

namespace StreamRec.IntegrationTests.Infrastructure;

/// <summary>Collects StreamRec counter increments made while it lives.</summary>
public sealed class CounterCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Name, string Tags), long> _values = new();

    public CounterCapture()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == StreamRecMetrics.MeterName)
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

    /// <summary>The total of a counter over the series whose labels include <paramref name="tag"/>=<paramref name="value"/>.</summary>
    public long Get(string name, string tag, string value) =>
        _values.Where(p => p.Key.Name == name && p.Key.Tags.Split(',').Contains($"{tag}={value}")).Sum(p => p.Value);

    /// <summary>The total of a counter over all its series.</summary>
    public long Total(string name) => _values.Where(p => p.Key.Name == name).Sum(p => p.Value);

    public void Dispose() => _listener.Dispose();
}
