using System.Diagnostics;
using System.Globalization;
using StreamRec.Benchmarks.Harness;
using StreamRec.Datasets;
using StreamRec.Messaging;
using StreamRec.Replay;

namespace StreamRec.Benchmarks.EndToEnd;

/// <summary>
/// The whole pipeline (<see cref="Pipeline"/>) at a fixed offered rate for N minutes, sampled at a fixed
/// interval: process RSS, GC heap, each stage's consumer lag as the pipeline exports it
/// (<c>streamrec_consumer_lag</c>, from librdkafka's statistics every 5 s) and as the stages' counters
/// give it, events through the drift stage, Redis memory, and the count of log entries at Warning or
/// above. The verdict fits a least-squares line to the samples after the warm-up: memory flat (RSS grows
/// less than 1 MiB per minute), lag flat (grows less than one second of load over the run), no log
/// entries at Warning or above. The replay's users return every <c>population</c> passes, so the state
/// the stages hold is bounded and a rising memory curve would be a leak, not new users.
/// </summary>
internal sealed class SoakBenchmark : IBenchmark
{
    public string Name => "soak";

    public string Summary => "the pipeline at a fixed rate for N minutes: RSS, GC heap, consumer lag, events, warning logs; verdict";

    public IReadOnlyList<string> Options { get; } =
    [
        "--minutes N          duration (default 10)",
        "--rate N             offered events/s (default 5000)",
        "--sample-seconds N   sampling interval (default 20)",
        "--warmup-minutes N   left out of the verdict's fit (default 2, at most a fifth of the run)",
        "--population N       replay passes with distinct users before they return (default 4: 2,684 users)",
        "--partitions N       partitions of every topic (default 16)",
        "--fetch-wait-ms N    fetch.wait.max.ms of every consumer (default 10; -1: librdkafka's 500)",
        "--model PATH         encoder (default data/models/encoder.onnx)",
        "--broker in-process|external   where the embedded broker runs (default in-process); external: `streamrec",
        "                     dev-kafka` in its own process, so that its logs are not in the pipeline's memory",
    ];

    public int Run(BenchmarkArguments arguments, TextWriter output)
    {
        var minutes = arguments.GetInt("minutes", 10);
        var rate = arguments.GetInt("rate", 5_000);
        var interval = arguments.GetInt("sample-seconds", 20);
        var warmupMinutes = Math.Min(arguments.GetInt("warmup-minutes", 2), minutes / 5.0);
        var population = arguments.GetInt("population", 4);
        var partitions = arguments.GetInt("partitions", 16);
        var fetchWait = arguments.GetInt("fetch-wait-ms", 10);
        var model = arguments.GetString("model");
        var external = arguments.GetString("broker") switch
        {
            null or "in-process" => false,
            "external" => true,
            var other => throw new UsageException($"--broker expects in-process or external, got '{other}'."),
        };
        arguments.ThrowIfUnused();
        return RunAsync(minutes, rate, interval, warmupMinutes, population, partitions, fetchWait >= 0 ? fetchWait : null, model, external, output).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int minutes, int rate, int interval, double warmupMinutes, int population, int partitions, int? fetchWait, string? model, bool external, TextWriter output)
    {
        var dataDirectory = MovieLensDirectory.Resolve();
        var modelPath = model ?? Path.Combine(Path.GetDirectoryName(dataDirectory)!, "models", "encoder.onnx");
        if (!File.Exists(modelPath))
        {
            throw new UsageException($"no encoder at {modelPath}: run `streamrec train-encoder` (or `streamrec demo` once) first, or pass --model");
        }

        var dataset = MovieLensDataset.Load(dataDirectory);
        var events = MovieLensEvents.InTimeOrder(dataset.Movies, dataset.Ratings);
        await using var pipeline = await Pipeline.StartAsync(partitions, modelPath, fetchWait, externalBroker: external);
        await pipeline.StartStagesAsync(dataset.Movies);
        using var load = new LoadGenerator(KafkaClientConfigs.Producer(pipeline.Kafka), pipeline.Topics.Raw, new ReplayStream(events, population));
        var database = pipeline.Connection.GetDatabase();

        Console.Error.WriteLine($"soak: {rate:N0} events/s for {minutes} min, a sample every {interval} s (pid {Environment.ProcessId})");
        var duration = TimeSpan.FromMinutes(minutes);
        var producing = Task.Factory.StartNew(() => load.Run(rate, duration), TaskCreationOptions.LongRunning);
        var samples = new List<SoakSample>();
        var clock = Stopwatch.StartNew();
        long lastDetected = 0;
        var lastSeconds = 0.0;
        while (true)
        {
            var next = TimeSpan.FromSeconds((samples.Count + 1) * interval) - clock.Elapsed;
            await Task.WhenAny(producing, Task.Delay(next > TimeSpan.Zero ? next : TimeSpan.Zero));
            var done = producing.IsCompleted;
            await pipeline.ThrowIfFaultedAsync();
            var seconds = clock.Elapsed.TotalSeconds;
            var detected = pipeline.Detected;
            var lag = pipeline.Telemetry.Consumers.Current
                .GroupBy(c => c.Stage)
                .ToDictionary(g => g.Key, g => g.Sum(c => c.Lag.Values.Sum()), StringComparer.Ordinal);
            var memory = GC.GetGCMemoryInfo();
            var sample = new SoakSample(
                seconds, load.Produced, detected, (detected - lastDetected) / (seconds - lastSeconds),
                Environment.WorkingSet / 1048576.0, memory.HeapSizeBytes / 1048576.0,
                lag, pipeline.Backlog(load.Produced), RedisUsedMemory(database) / 1048576.0, pipeline.Logs.Warnings + pipeline.Logs.Errors, GC.CollectionCount(2),
                pipeline.RetentionReached());
            samples.Add(sample);
            (lastDetected, lastSeconds) = (detected, seconds);
            var broker = pipeline.ExternalBrokerRssMiB() is { } b ? string.Create(CultureInfo.InvariantCulture, $", broker process RSS {b:0} MiB") : "";
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"soak: {seconds / 60:0.0} min: {sample.Rate:N0} events/s through drift, RSS {sample.RssMiB:0} MiB, heap {sample.HeapMiB:0} MiB, lag {sample.TotalLag:N0}, backlog {sample.Backlog.Total:N0}, warnings {sample.Warnings}{broker}"));
            if (done)
            {
                break;
            }
        }

        await producing;
        load.Flush();
        var drained = await pipeline.WaitDrainedAsync(() => load.Delivered, TimeSpan.FromSeconds(60));
        Print(output, minutes, rate, interval, warmupMinutes, population, fetchWait, external, samples, drained, pipeline.Logs);
        output.WriteLine(external
            ? string.Create(CultureInfo.InvariantCulture, $"The broker ran in its own process (streamrec dev-kafka), RSS {pipeline.ExternalBrokerRssMiB():0} MiB at the end: the RSS above is the pipeline's alone.")
            : "The broker ran in this process: the RSS above includes its logs (up to ~5 MB per partition until retention).");
        return 0;
    }

    private static double RedisUsedMemory(StackExchange.Redis.IDatabase database)
    {
        var info = (string)database.Execute("INFO", "memory")!;
        var line = info.Split('\n').First(l => l.StartsWith("used_memory:", StringComparison.Ordinal));
        return double.Parse(line["used_memory:".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    private static void Print(TextWriter output, int minutes, int rate, int interval, double warmupMinutes, int population, int? fetchWait, bool external,
        List<SoakSample> samples, bool drained, CountingLogger logs)
    {
        string[] stages = ["ingest", "embed", "drift", "recommend"];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# Soak: the four stages in one process, {(external ? "the embedded broker in its own" : "with the embedded broker in it")}, redis-server beside them, {rate:N0} events/s offered for {minutes} min, a sample every {interval} s, {Environment.ProcessorCount} cores; replay users return every {population} passes; fetch.wait.max.ms {(fetchWait is { } w ? w.ToString(CultureInfo.InvariantCulture) : "500")}"));
        output.WriteLine();
        output.WriteLine("| min | events produced | events through drift | events/s (interval) | RSS MiB | GC heap MiB | gen2 GCs | consumer lag (librdkafka) ingest / embed / drift / recommend | backlog (counters) | Redis MiB | warnings+ | event partitions at broker retention |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|");
        foreach (var s in samples)
        {
            var lag = string.Join(" / ", stages.Select(stage => s.Lag.GetValueOrDefault(stage).ToString("N0", CultureInfo.InvariantCulture)));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {s.Seconds / 60:0.0} | {s.Produced:N0} | {s.Detected:N0} | {s.Rate:N0} | {s.RssMiB:0.0} | {s.HeapMiB:0.0} | {s.Gen2} | {lag} | {s.Backlog.Total:N0} | {s.RedisMiB:0.0} | {s.Warnings} | {s.Retention.AtRetention} of {s.Retention.Partitions} |"));
        }

        var fitted = samples.Where(s => s.Seconds >= warmupMinutes * 60).ToList();
        double[] x = [.. fitted.Select(s => s.Seconds / 60)];
        // The embedded broker keeps its logs in this process: until every event partition has reached its
        // retention, RSS grows with the records stored. Memory is judged from then on, when that leaves 3 samples.
        var full = samples.FirstOrDefault(s => s.Retention.AtRetention == s.Retention.Partitions)?.Seconds;
        var memorySamples = full is { } f && samples.Count(s => s.Seconds >= Math.Max(f, warmupMinutes * 60)) >= 3
            ? samples.Where(s => s.Seconds >= Math.Max(f, warmupMinutes * 60)).ToList()
            : fitted;
        var memoryFrom = memorySamples[0].Seconds / 60;
        double[] xm = [.. memorySamples.Select(s => s.Seconds / 60)];
        var rss = SampleStatistics.Slope(xm, [.. memorySamples.Select(s => s.RssMiB)]);
        var rssAll = SampleStatistics.Slope(x, [.. fitted.Select(s => s.RssMiB)]);
        var heap = SampleStatistics.Slope(x, [.. fitted.Select(s => s.HeapMiB)]);
        var lagSlope = SampleStatistics.Slope(x, [.. fitted.Select(s => (double)s.TotalLag)]);
        var backlogSlope = SampleStatistics.Slope(x, [.. fitted.Select(s => (double)s.Backlog.Total)]);
        var redis = SampleStatistics.Slope(x, [.. fitted.Select(s => s.RedisMiB)]);
        var span = fitted.Count > 1 ? x[^1] - x[0] : 0;
        var memoryFlat = rss < 1;
        var lagFlat = Math.Max(lagSlope, backlogSlope) * span < rate;
        var quiet = logs.Warnings + logs.Errors == 0;
        var throughput = fitted.Count > 1 ? (fitted[^1].Detected - fitted[0].Detected) / (fitted[^1].Seconds - fitted[0].Seconds) : 0;
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Fitted from minute {warmupMinutes:0.#} on ({fitted.Count} samples): events through drift {throughput:N0}/s for {rate:N0}/s offered; RSS {rssAll:+0.00;-0.00} MiB/min ({rss:+0.00;-0.00} MiB/min from minute {memoryFrom:0.0}, {(full is null ? "the broker's partitions never all reached retention" : "once every event partition of the embedded broker had reached its retention")}), GC heap {heap:+0.00;-0.00} MiB/min, Redis {redis:+0.00;-0.00} MiB/min; consumer lag {lagSlope:+0;-0} records/min, backlog {backlogSlope:+0;-0} records/min; pipeline drained at the end: {(drained ? "yes" : "NO")}."));
        output.WriteLine();
        output.WriteLine("| verdict | criterion | result |");
        output.WriteLine("|---|---|---|");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| memory flat | RSS slope < 1 MiB/min from minute {memoryFrom:0.0} | {(memoryFlat ? "yes" : "**no**")} ({rss:+0.00;-0.00} MiB/min; GC heap {heap:+0.00;-0.00} MiB/min) |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| lag flat | lag grows by less than 1 s of load ({rate:N0} records) over the fit | {(lagFlat ? "yes" : "**no**")} ({Math.Max(lagSlope, backlogSlope) * span:+0;-0} records) |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| no error logs | no entry at Warning or above | {(quiet ? "yes" : "**no**")} ({logs.Warnings} warnings, {logs.Errors} errors) |"));
        foreach (var line in logs.First)
        {
            output.WriteLine($"- {line}");
        }
    }

    private sealed record SoakSample(double Seconds, long Produced, long Detected, double Rate, double RssMiB, double HeapMiB,
        Dictionary<string, long> Lag, Backlog Backlog, double RedisMiB, long Warnings, int Gen2, (int AtRetention, int Partitions) Retention)
    {
        public long TotalLag => Lag.Values.Sum();
    }
}
