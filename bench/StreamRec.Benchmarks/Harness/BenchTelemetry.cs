using Microsoft.Extensions.DependencyInjection;
using StreamRec.Messaging;
using StreamRec.Messaging.Health;

namespace StreamRec.Benchmarks.Harness;

/// <summary>
/// A meter and consumer registry of the benchmark's own, as a worker's host holds them
/// (<see cref="StreamRecMeterServiceCollectionExtensions.AddStreamRecMeter"/>): the stages a benchmark runs
/// count on it, and only there.
/// </summary>
internal sealed class BenchTelemetry : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddStreamRecMeter().BuildServiceProvider();

    public StreamRecMetrics Metrics => _services.GetRequiredService<StreamRecMetrics>();

    public ConsumerStatusRegistry Consumers => _services.GetRequiredService<ConsumerStatusRegistry>();

    public void Dispose() => _services.Dispose();
}
