using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using StreamRec.Benchmarks.Harness;
using StreamRec.Contracts;
using StreamRec.Datasets;
using StreamRec.Embedded;
using StreamRec.Ingest;
using StreamRec.Messaging;
using StreamRec.Replay;

namespace StreamRec.Benchmarks.Ingest;

/// <summary>
/// Ingest throughput on the MovieLens replay, against the raw limit of its component measured in the
/// same run: (1) the processor alone (validation, pseudonymisation, serialisation) on in-memory records;
/// (2) the whole stage through the embedded broker (consume, process, produce, store offsets) versus a
/// bare Confluent consumer and kcat reading the same topic.
/// </summary>
internal sealed class IngestBenchmark : IBenchmark
{
    public string Name => "ingest";

    public string Summary => "Ingest events/s (processor alone; stage through the embedded broker) vs raw consume rates";

    public IReadOnlyList<string> Options { get; } =
    [
        "--events N        events of the MovieLens replay to use (default 100000)",
        "--repetitions N   timed repetitions, median reported (default 5)",
        "--partitions N    partitions of the raw topic (default 8)",
        "--batch N         the stage's maximum micro-batch (default 512, as Ingest:MaxBatchSize)",
    ];

    public int Run(BenchmarkArguments arguments, TextWriter output)
    {
        var count = arguments.GetInt("events", 100_000);
        var repetitions = arguments.GetInt("repetitions", 5);
        var partitions = arguments.GetInt("partitions", 8);
        var maxBatch = arguments.GetInt("batch", 512);
        arguments.ThrowIfUnused();

        Console.Error.WriteLine("ingest: loading MovieLens");
        var dataset = MovieLensDataset.LoadDefault();
        var events = MovieLensEvents.InTimeOrder(dataset.Movies, dataset.Ratings).Take(count).ToList();
        var values = events.Select(e => JsonSerializer.SerializeToUtf8Bytes(e, ContractsJsonContext.Default.RawEvent)).ToList();
        var options = new IngestOptions { PseudonymKey = Convert.ToBase64String(new byte[32]) };
        var topics = new TopicNames();
        var processor = new IngestProcessor(
            new RawEventValidator(options, TimeProvider.System), Pseudonymizer.FromOptions(options), topics, TimeProvider.System);

        // (1) Processor alone, in batches of 512 as the stage runs it.
        Console.Error.WriteLine("ingest: processor alone");
        var batches = values.Chunk(512).Select(chunk => chunk.Select((v, i) => new ConsumeResult<byte[]?, byte[]?>
        {
            Topic = topics.Raw,
            Partition = new Partition(0),
            Offset = new Offset(i),
            Message = new Message<byte[]?, byte[]?> { Key = null, Value = v },
        }).ToList()).ToList();
        var next = 0;
        var alone = Throughput.Measure(
            () => processor.ProcessAsync(batches[next++ % batches.Count], CancellationToken.None),
            itemsPerOperation: 512, repetitions, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.5));

        // (2) Through the embedded broker.
        using var cluster = new EmbeddedKafkaCluster();
        var kafka = new KafkaOptions
        {
            BootstrapServers = cluster.BootstrapServers,
            Consumer = new Dictionary<string, string>(EmbeddedKafkaCluster.ConsumerSettings, StringComparer.Ordinal),
        };
        cluster.CreateTopic(topics.Raw, partitions);
        cluster.CreateTopic(topics.Clean, partitions);
        cluster.CreateTopic(topics.DeadLetter, partitions);
        Console.Error.WriteLine($"ingest: producing {values.Count:N0} raw events to the embedded broker");
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(kafka)).Build())
        {
            for (var i = 0; i < values.Count; i++)
            {
                producer.Produce(topics.Raw, new Message<byte[]?, byte[]?> { Key = System.Text.Encoding.UTF8.GetBytes(events[i].UserId), Value = values[i] });
                if (i % 10_000 == 0)
                {
                    producer.Poll(TimeSpan.Zero);
                }
            }

            producer.Flush(TimeSpan.FromSeconds(60));
        }

        var raw = new List<double>();
        var kcat = new List<double>();
        var stage = new List<double>();
        for (var r = 0; r < repetitions; r++)
        {
            raw.Add(StageThroughput.RawConsume(kafka, topics.Raw, values.Count));
            if (KcatConsume(cluster.BootstrapServers, topics.Raw, values.Count) is { } kcatRate)
            {
                kcat.Add(kcatRate);
            }

            stage.Add(StageThroughput.Run(kafka, topics.Raw, processor, values.Count, maxBatch));
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ingest: repetition {r + 1}/{repetitions}: raw consume {raw[^1]:N0}/s, kcat {(kcat.Count > r ? kcat[^1].ToString("N0", CultureInfo.InvariantCulture) : "n/a")}/s, stage {stage[^1]:N0}/s"));
        }

        var rawMedian = Median(raw);
        var stageMedian = Median(stage);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# Ingest on {values.Count:N0} MovieLens events, {partitions} partitions, micro-batch {maxBatch}, {Environment.ProcessorCount} cores, medians of {repetitions}; rates exclude the consumer-group join"));
        output.WriteLine("| measurement | median events/s | min | max | ratio to raw consume |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        output.WriteLine(Row("processor alone (validate, pseudonymise, serialise)", alone.Median, alone.Min, alone.Max, alone.Median / rawMedian));
        output.WriteLine(Row("raw consume, Confluent.Kafka consumer (limit)", rawMedian, raw.Min(), raw.Max(), 1));
        if (kcat.Count > 0)
        {
            output.WriteLine(Row("raw consume, kcat", Median(kcat), kcat.Min(), kcat.Max(), Median(kcat) / rawMedian));
        }

        output.WriteLine(Row("Ingest stage: consume, process, produce, store offsets", stageMedian, stage.Min(), stage.Max(), stageMedian / rawMedian));
        return 0;
    }

    private static string Row(string name, double median, double min, double max, double ratio) =>
        string.Create(CultureInfo.InvariantCulture, $"| {name} | {median:N0} | {min:N0} | {max:N0} | {ratio:0.00} |");

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double? KcatConsume(string bootstrap, string topic, int expected)
    {
        var start = new ProcessStartInfo("kcat") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-b", bootstrap, "-t", topic, "-C", "-o", "beginning", "-e", "-q", "-f", "%o\n" })
        {
            start.ArgumentList.Add(argument);
        }

        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine("ingest: kcat not found (scripts/setup.sh installs it); skipping the kcat baseline");
            return null;
        }

        var clock = Stopwatch.StartNew();
        var lines = 0;
        while (process!.StandardOutput.ReadLine() is not null)
        {
            lines++;
        }

        process.WaitForExit();
        var seconds = clock.Elapsed.TotalSeconds;
        process.Dispose();
        return lines == expected ? lines / seconds : throw new InvalidOperationException($"kcat read {lines} of {expected} records");
    }

}
