using System.Diagnostics.Tracing;

namespace StreamRec.Benchmarks.EndToEnd;

/// <summary>
/// Which types this process allocates, from the runtime's own allocation sampling (one AllocationTick
/// event per ~100 KB allocated, naming the type that crossed the mark): over a phase, each type's share
/// of the samples is its share of the bytes allocated, to within the sampling. Cheap enough to leave on.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private readonly Dictionary<string, double> _bytes = new(StringComparer.Ordinal);

    /// <summary>Each type's share of the bytes sampled, largest first.</summary>
    public List<(string Type, double Share)> Stop()
    {
        Dispose();
        lock (_bytes)
        {
            var total = _bytes.Values.Sum();
            return [.. _bytes.OrderByDescending(t => t.Value).Select(t => (t.Key, total > 0 ? t.Value / total : 0))];
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is not { } names)
        {
            return;
        }

        var type = names.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload![t] as string ?? "?" : "?";
        var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToDouble(eventData.Payload![a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        lock (_bytes)
        {
            _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
        }
    }
}
