using Microsoft.Extensions.DependencyInjection;
using StreamRec.Messaging;
using StreamRec.Messaging.Health;

namespace StreamRec.TestSupport;

/// <summary>
/// A meter and consumer registry of the test's own, as a worker's host holds them
/// (<see cref="StreamRecMeterServiceCollectionExtensions.AddStreamRecMeter"/>): what the test's stages
/// count is seen there and nowhere else, whatever other tests run beside it.
/// </summary>
internal sealed class TestTelemetry : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddStreamRecMeter().BuildServiceProvider();

    public StreamRecMetrics Metrics => _services.GetRequiredService<StreamRecMetrics>();

    public ConsumerStatusRegistry Consumers => _services.GetRequiredService<ConsumerStatusRegistry>();

    public void Dispose() => _services.Dispose();
}
