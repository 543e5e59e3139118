using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace StreamRec.Observability;

/// <summary>
/// Pull-based Prometheus exposition of a process's meters: an OpenTelemetry MeterProvider with a
/// cumulative reader whose exporter renders each collection as Prometheus text. A scrape
/// (<see cref="Collect"/>) asks the reader to collect now and returns the text, so what Prometheus sees
/// is current to the scrape, not to an export interval. Thread-safe: concurrent scrapes are serialised.
/// </summary>
public sealed class PrometheusScrape : IDisposable
{
    private readonly TextExporter _exporter = new();
    private readonly BaseExportingMetricReader _reader;
    private readonly MeterProvider _provider;
    private readonly Lock _gate = new();

    public PrometheusScrape(params string[] meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _reader = new BaseExportingMetricReader(_exporter) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };
        var builder = Sdk.CreateMeterProviderBuilder();
        foreach (var meter in meters)
        {
            builder.AddMeter(meter);
        }

        _provider = builder.AddReader(_reader).Build();
    }

    /// <summary>The metrics now, in the Prometheus text format.</summary>
    public string Collect()
    {
        lock (_gate)
        {
            _exporter.Clear();
            if (!_reader.Collect(timeoutMilliseconds: 5000))
            {
                throw new InvalidOperationException("The metrics collection did not complete within 5 s.");
            }

            return _exporter.Text;
        }
    }

    public void Dispose()
    {
        _provider.Dispose();
        _exporter.Dispose();
    }

    /// <summary>Receives each collection (on the collecting thread) and keeps its text.</summary>
    private sealed class TextExporter : BaseExporter<Metric>
    {
        private readonly StringBuilder _text = new();

        public string Text => _text.ToString();

        public void Clear() => _text.Clear();

        public override ExportResult Export(in Batch<Metric> batch)
        {
            PrometheusTextWriter.Write(batch, _text);
            return ExportResult.Success;
        }
    }
}
