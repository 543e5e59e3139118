using System.Diagnostics;
using System.Diagnostics.Metrics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;

namespace StreamRec.Benchmarks.Harness;

/// <summary>
/// A stage through the embedded broker, and the raw limit it is compared with: a bare Confluent consumer
/// reading the same topic. Both clocks start once the consumer group is joined (about 3 s on the
/// embedded broker), which is not consumption.
/// </summary>
internal static class StageThroughput
{
    /// <summary>Records per second a bare consumer reads from <paramref name="topic"/>, which holds <paramref name="expected"/> records.</summary>
    public static double RawConsume(KafkaOptions kafka, string topic, int expected)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Consumer(kafka, $"bench-raw-{Guid.NewGuid():N}")).Build();
        consumer.Subscribe(topic);
        if (consumer.Consume(TimeSpan.FromSeconds(30)) is null)
        {
            throw new InvalidOperationException("raw consumer received nothing");
        }

        var clock = Stopwatch.StartNew(); // from the first record
        for (var seen = 1; seen < expected; seen++)
        {
            _ = consumer.Consume(TimeSpan.FromSeconds(10)) ?? throw new InvalidOperationException($"raw consumer stalled at {seen} of {expected}");
        }

        var rate = (expected - 1) / clock.Elapsed.TotalSeconds;
        consumer.Close();
        return rate;
    }

    /// <summary>
    /// Runs <paramref name="processor"/> as a stage on <paramref name="inputTopic"/> until it has consumed
    /// <paramref name="expected"/> records; returns records per second from its first completed batch.
    /// </summary>
    public static double Run(KafkaOptions kafka, string inputTopic, IBatchProcessor processor, int expected, int maxBatch)
    {
        long consumed = 0, first = 0;
        // The stage loop's own meter: its consumed counter is the one to watch, not another's of the same name.
        using var telemetry = new BenchTelemetry();
        var consumedCounter = telemetry.Metrics.EventsConsumed;
        var clock = new Stopwatch();
        using var reached = new ManualResetEventSlim();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument == consumedCounter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            if (Interlocked.CompareExchange(ref first, value, 0) == 0)
            {
                clock.Start();
            }

            if (Interlocked.Add(ref consumed, value) >= expected)
            {
                reached.Set();
            }
        });
        listener.Start();

        using var stop = new CancellationTokenSource();
        var loop = new StageLoop(kafka, new StageLoopOptions { InputTopic = inputTopic, GroupId = $"bench-{processor.StageName}-{Guid.NewGuid():N}", MaxBatchSize = maxBatch },
            processor, telemetry.Metrics, telemetry.Consumers, NullLogger.Instance).RunAsync(stop.Token);
        if (WaitHandle.WaitAny([reached.WaitHandle, ((IAsyncResult)loop).AsyncWaitHandle], TimeSpan.FromMinutes(5)) != 0)
        {
            throw new InvalidOperationException($"{processor.StageName} stage stopped or stalled at {Interlocked.Read(ref consumed)} of {expected}", loop.Exception);
        }

        var rate = (expected - Interlocked.Read(ref first)) / clock.Elapsed.TotalSeconds;
        stop.Cancel();
        loop.GetAwaiter().GetResult();
        return rate;
    }
}
