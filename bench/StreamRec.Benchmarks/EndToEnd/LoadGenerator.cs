using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using StreamRec.Contracts;

namespace StreamRec.Benchmarks.EndToEnd;

/// <summary>
/// Offers raw events to the raw-events topic from one dedicated thread: at a fixed rate (open loop: the
/// schedule does not wait for the pipeline), or as fast as possible while the pipeline's backlog stays
/// under a bound (closed loop: the gate says when to hold back). Each event's <c>ts</c> is the wall clock
/// at the moment it is serialised and produced. Delivery reports are counted; a failed delivery fails the
/// benchmark. The generator itself (JSON serialisation, the producer client) shares the machine's cores
/// with the pipeline: that is part of what "one box" means here.
/// </summary>
internal sealed class LoadGenerator : IDisposable
{
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly string _topic;
    private readonly ReplayStream _stream;
    private long _next;
    private long _delivered;
    private long _failed;
    private string? _firstError;

    public LoadGenerator(ProducerConfig config, string topic, ReplayStream stream)
    {
        _producer = new ProducerBuilder<byte[], byte[]>(config).Build();
        _topic = topic;
        _stream = stream;
    }

    /// <summary>Events handed to the producer so far (over every run).</summary>
    public long Produced => Interlocked.Read(ref _next);

    /// <summary>Events the broker acknowledged so far.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>
    /// Produces for <paramref name="duration"/>: at <paramref name="eventsPerSecond"/>, or with 0 as fast as
    /// <paramref name="mayProduce"/> allows (checked every 256 events; while it says no, the generator waits 1 ms).
    /// <paramref name="beforeEnd"/> runs on the generator's thread just before it ends (a CPU snapshot that
    /// still sees it). Returns the events produced in this run.
    /// </summary>
    public long Run(double eventsPerSecond, TimeSpan duration, Func<bool>? mayProduce = null, Action? beforeEnd = null)
    {
        long produced = 0;
        var thread = new Thread(() =>
        {
            produced = Loop(eventsPerSecond, duration, mayProduce);
            beforeEnd?.Invoke();
        })
        { Name = "bench-load", IsBackground = true };
        thread.Start();
        thread.Join();
        if (Interlocked.Read(ref _failed) > 0)
        {
            throw new InvalidOperationException($"{_failed} raw event(s) not delivered: {_firstError}");
        }

        return produced;
    }

    /// <summary>Waits until every produced event is acknowledged.</summary>
    public void Flush()
    {
        while (_producer.Flush(TimeSpan.FromMilliseconds(250)) > 0)
        {
        }
    }

    public void Dispose()
    {
        Flush();
        _producer.Dispose();
    }

    private long Loop(double eventsPerSecond, TimeSpan duration, Func<bool>? mayProduce)
    {
        var clock = Stopwatch.StartNew();
        long produced = 0;
        while (clock.Elapsed < duration)
        {
            long due;
            if (eventsPerSecond > 0)
            {
                due = (long)(clock.Elapsed.TotalSeconds * eventsPerSecond) - produced;
            }
            else
            {
                due = mayProduce is null || mayProduce() ? 256 : 0;
            }

            if (due <= 0)
            {
                Thread.Sleep(1); // pacing of a load generator, not a wait for a condition
                continue;
            }

            for (var i = 0; i < due; i++)
            {
                Produce(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            }

            produced += due;
        }

        return produced;
    }

    private void Produce(long nowMs)
    {
        var index = Interlocked.Increment(ref _next) - 1;
        var rawEvent = _stream.At(index, nowMs);
        var message = new Message<byte[], byte[]>
        {
            Key = Encoding.UTF8.GetBytes(rawEvent.UserId),
            Value = JsonSerializer.SerializeToUtf8Bytes(rawEvent, ContractsJsonContext.Default.RawEvent),
        };
        while (true)
        {
            try
            {
                _producer.Produce(_topic, message, OnDelivery);
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                _producer.Poll(TimeSpan.FromMilliseconds(10)); // back-pressure from the client's queue
            }
        }
    }

    private void OnDelivery(DeliveryReport<byte[], byte[]> report)
    {
        if (report.Error.IsError)
        {
            Interlocked.CompareExchange(ref _firstError, report.Error.Reason, null);
            Interlocked.Increment(ref _failed);
        }
        else
        {
            Interlocked.Increment(ref _delivered);
        }
    }
}
