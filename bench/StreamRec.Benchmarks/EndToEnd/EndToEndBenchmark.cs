using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using StreamRec.Benchmarks.Harness;
using StreamRec.Contracts;
using StreamRec.Datasets;
using StreamRec.DriftDetector.Detection;
using StreamRec.DriftDetector.State;
using StreamRec.Messaging;
using StreamRec.Replay;
using StreamRec.Storage;

namespace StreamRec.Benchmarks.EndToEnd;

/// <summary>
/// The four stages, the embedded broker and a redis-server in one box (<see cref="Pipeline"/>), fed the
/// MovieLens replay with event time = wall clock at produce (<see cref="ReplayStream"/>):
/// <list type="number">
/// <item>raw limits in the same run, before the stages start: kcat produce and consume and a bare
/// Confluent producer and consumer against the same broker, redis-benchmark EVALSHA of the drift
/// stage's state script against the same redis-server;</item>
/// <item>closed loop: events offered as fast as the pipeline's backlog (events not yet through the drift
/// stage) stays under a bound; the rate through the drift stage is the capacity C; per-thread CPU shows
/// where the cores go;</item>
/// <item>open loop: fixed rates at fractions of C, ascending, until one is not kept up with (rate through
/// drift below 97 % of the offered rate, or more than 0.5 s of load left in the pipeline at the end);
/// the maximum sustained rate is the highest one kept up with;</item>
/// <item>latency at a fixed load (10,000 events/s, or half the maximum if lower): from event time to the
/// moment a downstream consumer (<see cref="LatencyProbe"/>) receives the mutation record and the
/// recommendation record.</item>
/// </list>
/// </summary>
internal sealed class EndToEndBenchmark : IBenchmark
{
    public string Name => "e2e";

    public string Summary => "end to end, four stages + embedded broker + redis-server in this process: max sustained events/s, latency p50/p99 at a fixed load";

    public IReadOnlyList<string> Options { get; } =
    [
        "--topology V,V         what to measure, one after the other on fresh brokers against the same raw limits (default fused,split):",
        "                       fused (one consumer of the raw topic, the stages in process) or split (each stage its own",
        "                       consumer and producer), each with any +key=value: partitions=N, batch=N, wait=MS (every stage's",
        "                       micro-batch size and wait), threads=N (the thread pool's minimum worker threads), chains=N",
        "                       (fused: N chains in one consumer group, each with its own stages), fetch.*,",
        "                       queued.* or consumer.KEY=V (consumers), any other key",
        "                       (producers), e.g. fused+compression.type=none,fused+dotnet.producer.delivery.report.fields=none",
        "--partitions N         partitions of every topic (default 16)",
        "--model PATH           encoder (default data/models/encoder.onnx)",
        "--saturate-seconds N   closed-loop phase (default 20)",
        "--step-seconds N       each open-loop step (default 15)",
        "--steps F,F            open-loop rates as percent of the closed-loop capacity (default 50,60,70,80,90,100)",
        "--latency-seconds N    each fixed-load phase (default 30)",
        "--latency-rate N       its rate (default: two phases, 10,000 events/s and half the maximum sustained)",
        "--backlog-bound N      closed-loop bound on events in the pipeline (default 20000)",
        "--kcat-messages N      records per kcat / bare client run (default 200000)",
        "--repetitions N        runs of each raw limit, median reported (default 3)",
        "--fetch-wait-ms N      fetch.wait.max.ms of every consumer (default 10; -1: librdkafka's 500). The embedded",
        "                       broker holds a fetch that finds no data for all of it, even when data arrives meanwhile",
        "--batch-wait-ms N      every stage's micro-batch wait (default: each stage's own, 20 ms)",
        "--linger-ms N          the stages' producer linger.ms (default: StreamRec's, 5)",
    ];

    public int Run(BenchmarkArguments arguments, TextWriter output)
    {
        var settings = new EndToEndSettings(
            [.. (arguments.GetString("topology") ?? "fused,split").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(TopologyVariant.Parse)],
            arguments.GetInt("partitions", 16),
            arguments.GetString("model"),
            arguments.GetInt("saturate-seconds", 20),
            arguments.GetInt("step-seconds", 15),
            arguments.GetInts("steps", [50, 60, 70, 80, 90, 100]),
            arguments.GetInt("latency-seconds", 30),
            arguments.GetInt("latency-rate", 0),
            arguments.GetInt("backlog-bound", 20_000),
            arguments.GetInt("kcat-messages", 200_000),
            arguments.GetInt("repetitions", 3),
            arguments.GetInt("fetch-wait-ms", 10) is var wait and >= 0 ? wait : null,
            arguments.GetInt("batch-wait-ms", -1) is var batchWait and >= 0 ? TimeSpan.FromMilliseconds(batchWait) : null,
            arguments.GetInt("linger-ms", -1) is var linger and >= 0 ? linger : null);
        arguments.ThrowIfUnused();
        if (settings.Variants.Length == 0)
        {
            throw new UsageException("--topology names nothing to measure.");
        }

        return RunAsync(settings, output).GetAwaiter().GetResult();
    }

    private sealed record EndToEndSettings(TopologyVariant[] Variants, int Partitions, string? Model, int SaturateSeconds, int StepSeconds, int[] Steps, int LatencySeconds, int LatencyRate,
        int BacklogBound, int KcatMessages, int Repetitions, int? FetchWaitMs, TimeSpan? BatchWait, int? LingerMs);

    private static async Task<int> RunAsync(EndToEndSettings settings, TextWriter output)
    {
        var dataDirectory = MovieLensDirectory.Resolve();
        var modelPath = settings.Model ?? Path.Combine(Path.GetDirectoryName(dataDirectory)!, "models", "encoder.onnx");
        if (!File.Exists(modelPath))
        {
            throw new UsageException($"no encoder at {modelPath}: run `streamrec train-encoder` (or `streamrec demo` once) first, or pass --model");
        }

        Console.Error.WriteLine("e2e: loading MovieLens");
        var dataset = MovieLensDataset.Load(dataDirectory);
        var events = MovieLensEvents.InTimeOrder(dataset.Movies, dataset.Ratings);
        RawLimitFigures? limits = null;
        var results = new List<VariantResult>();
        ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
        foreach (var variant in settings.Variants)
        {
            // The runtime's minimum (the core count) unless the variant asks for more.
            ThreadPool.SetMinThreads(variant.MinThreads ?? minWorkers, minIo);
            var partitions = variant.Partitions ?? settings.Partitions;
            Console.Error.WriteLine($"e2e: === {variant.Label}: a fresh broker ({partitions} partitions per topic) and redis-server");
            await using var pipeline = await Pipeline.StartAsync(partitions, modelPath, settings.FetchWaitMs, settings.LingerMs, producer: variant.Producer, consumer: variant.Consumer);
            // Once, on the first broker, before any stage has run: every variant's ratios are to the same figures.
            limits ??= RawLimits(pipeline, settings);
            var result = await MeasureAsync(pipeline, variant, partitions, dataset.Movies, events, settings);
            results.Add(result);
            Print(output, settings, limits, result);
            output.WriteLine();
        }

        PrintComparison(output, limits!, results);
        return 0;
    }

    /// <summary>One variant, on its own pipeline: warm-up, closed loop, open-loop steps, latency phases.</summary>
    private static async Task<VariantResult> MeasureAsync(Pipeline pipeline, TopologyVariant variant, int partitions, IReadOnlyList<Movie> films, IReadOnlyList<RawEvent> events,
        EndToEndSettings settings)
    {
        Console.Error.WriteLine(variant.Fused ? "e2e: starting the fused stages (one consumer of the raw topic)" : "e2e: starting the four stages");
        await pipeline.StartStagesAsync(films, variant.BatchWait ?? settings.BatchWait, variant.BatchSize, variant.Fused, variant.Chains);
        using var load = new LoadGenerator(KafkaClientConfigs.Producer(pipeline.Kafka), pipeline.Topics.Raw, new ReplayStream(events, population: int.MaxValue));
        // Warm-up: the consumer groups join (about 3 s each on the embedded broker), JIT, the encoder's cache and the catalog fill.
        Console.Error.WriteLine("e2e: warm-up, 8,000 events/s for 12 s");
        load.Run(8_000, TimeSpan.FromSeconds(12));
        await DrainAsync(pipeline, load, TimeSpan.FromSeconds(120));

        // Closed loop: the capacity.
        Console.Error.WriteLine($"e2e: closed loop for {settings.SaturateSeconds} s (pid {Environment.ProcessId}: attach a profiler now)");
        var cpuBefore = CpuAccounting.Take(pipeline.Redis.ProcessId);
        CpuAccounting? cpuAfter = null;
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var detectedBefore = pipeline.Detected;
        var allocations = new AllocationSampler();
        var sampler = new PhaseSampler(pipeline, load, TimeSpan.FromMilliseconds(250));
        load.Run(0, TimeSpan.FromSeconds(settings.SaturateSeconds), () => pipeline.Backlog(load.Produced).Events < settings.BacklogBound,
            () => cpuAfter = CpuAccounting.Take(pipeline.Redis.ProcessId));
        var saturation = sampler.Stop();
        sampler.Dispose();
        var allocatedPerEvent = (GC.GetTotalAllocatedBytes() - allocatedBefore) / (double)Math.Max(1, pipeline.Detected - detectedBefore);
        var allocatedTypes = allocations.Stop();
        var cpu = cpuAfter!.Since(cpuBefore);
        var warm = Math.Min(3, settings.SaturateSeconds / 4.0);
        var capacity = PipelineSample.Rates(saturation, warm).Detected;
        var meanBacklog = MeanBacklog(saturation, warm);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"e2e: closed loop: {capacity:N0} events/s through the drift stage, {allocatedPerEvent:N0} bytes allocated per event"));
        await DrainAsync(pipeline, load, TimeSpan.FromSeconds(120));

        // Open loop: the maximum sustained rate.
        var steps = new List<StepResult>();
        foreach (var percent in settings.Steps)
        {
            var rate = Math.Round(capacity * percent / 100 / 500) * 500;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"e2e: open loop at {rate:N0} events/s ({percent} % of C) for {settings.StepSeconds} s"));
            var step = await OpenLoopAsync(pipeline, load, rate, settings.StepSeconds);
            steps.Add(step with { Percent = percent });
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"e2e:   offered {step.Offered:N0}/s, through drift {step.Detected:N0}/s, backlog at end {step.EndBacklog:N0} growing {step.Growth:N0}/s, drained in {step.DrainSeconds:0.0} s: {(step.KeptUp ? "kept up" : "did not keep up")}"));
            if (!step.KeptUp)
            {
                break;
            }
        }

        var sustained = steps.Where(s => s.KeptUp).Select(s => s.Offered).DefaultIfEmpty(0).Max();

        // Latency at fixed loads: 10,000 events/s (the target's load) and half the maximum sustained.
        double[] rates;
        if (settings.LatencyRate > 0)
        {
            rates = [settings.LatencyRate];
        }
        else
        {
            var half = Math.Max(500, Math.Round((sustained > 0 ? sustained : capacity / 2) / 2 / 500) * 500);
            rates = [.. new[] { 10_000.0, half }.Where(r => r == half || r <= Math.Max(sustained, half)).Distinct().Order()];
        }

        var latencies = new List<LatencyFigures>();
        foreach (var latencyRate in rates)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"e2e: latency at {latencyRate:N0} events/s for {settings.LatencySeconds} s"));
            var latency = await MeasureLatencyAsync(pipeline, load, latencyRate, settings.LatencySeconds);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"e2e:   event -> mutation received p50 {Quantile(latency.MutationReceived, 0.5):N0} ms, p99 {Quantile(latency.MutationReceived, 0.99):N0} ms; GC paused {latency.Stalls.PausedMs:N0} ms (max {latency.Stalls.MaxPauseMs:N1})"));
            latencies.Add(latency);
        }

        var warnings = pipeline.Logs.Warnings + pipeline.Logs.Errors;
        return new VariantResult(variant, partitions, capacity, meanBacklog, steps, sustained, latencies, cpu, allocatedPerEvent, allocatedTypes,
            load.Produced, (double)load.Produced / events.Count, warnings, pipeline.Logs.First);
    }

    private static RawLimitFigures RawLimits(Pipeline pipeline, EndToEndSettings settings)
    {
        var kcatProduce = new List<double>();
        var kcatConsume = new List<double>();
        var bareProduce = new List<double>();
        var bareConsume = new List<double>();
        var bareConsumeDefaultBackoff = new List<double>();
        // The same bare consumer at librdkafka's fetch.queue.backoff.ms (1000 ms) instead of StreamRec's
        // default: the rate before the setting, measured beside it (KafkaClientConfigs says why).
        var librdkafkaBackoff = new KafkaOptions
        {
            BootstrapServers = pipeline.Kafka.BootstrapServers,
            Client = pipeline.Kafka.Client,
            Consumer = new Dictionary<string, string>(pipeline.Kafka.Consumer, StringComparer.Ordinal) { ["fetch.queue.backoff.ms"] = "1000" },
        };
        for (var r = 0; r < settings.Repetitions; r++)
        {
            Console.Error.WriteLine($"e2e: raw limits, run {r + 1}/{settings.Repetitions}: kcat and bare Confluent clients, {settings.KcatMessages:N0} records");
            // 32 partitions keep each under the broker's ~5 MB per-partition retention.
            var topic = $"bench-kcat-{r}";
            pipeline.Cluster.CreateTopic(topic, 32);
            if (KcatRates.Measure(pipeline.Cluster.BootstrapServers, topic, settings.KcatMessages) is { } kcat)
            {
                kcatProduce.Add(kcat.Produce);
                kcatConsume.Add(kcat.Consume);
            }

            var bare = $"bench-bare-{r}";
            pipeline.Cluster.CreateTopic(bare, 32);
            bareProduce.Add(BareProduce(pipeline.Kafka, bare, settings.KcatMessages));
            bareConsume.Add(StageThroughput.RawConsume(pipeline.Kafka, bare, settings.KcatMessages));
            bareConsumeDefaultBackoff.Add(StageThroughput.RawConsume(librdkafkaBackoff, bare, settings.KcatMessages));
        }

        Console.Error.WriteLine("e2e: raw limits: redis-benchmark EVALSHA of the drift state script");
        var database = pipeline.Connection.GetDatabase();
        var sha = (string)database.Execute("SCRIPT", "LOAD", DriftStateStore.ApplyScript)!;
        var value = new string('s', DriftStateRecord.Write(0, 0, pipeline.Encoder.ModelVersion, UserDriftStateCodec.Write(UserDriftState.New(pipeline.Encoder.Dimension, new DriftParameters()))).Length);
        var evalsha = RedisBenchmarkTool.Rates(pipeline.Redis.Port, settings.Repetitions,
            ["-P", "64", "-r", "1000000", "EVALSHA", sha, "1", "streamrec:user:{bench-__rand_int__}", "__rand_int__", "1", value, "86400000"]);
        database.Execute("FLUSHALL");
        return new RawLimitFigures(kcatProduce, kcatConsume, bareProduce, bareConsume, bareConsumeDefaultBackoff, evalsha);
    }

    private static double BareProduce(KafkaOptions kafka, string topic, int count)
    {
        var value = Encoding.UTF8.GetBytes(new string('x', 190));
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(kafka)).Build();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var message = new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"user-{i % 5000}")), Value = value };
            while (true)
            {
                try
                {
                    producer.Produce(topic, message);
                    break;
                }
                catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(10));
                }
            }
        }

        producer.Flush(TimeSpan.FromSeconds(60));
        return count / clock.Elapsed.TotalSeconds;
    }

    private static async Task<StepResult> OpenLoopAsync(Pipeline pipeline, LoadGenerator load, double rate, int seconds)
    {
        var sampler = new PhaseSampler(pipeline, load, TimeSpan.FromMilliseconds(250));
        load.Run(rate, TimeSpan.FromSeconds(seconds));
        var samples = sampler.Stop();
        sampler.Dispose();
        var from = Math.Min(2, seconds / 4.0);
        var (offered, detected, _) = PipelineSample.Rates(samples, from);
        var window = samples.Where(s => s.Seconds >= from).ToList();
        var growth = SampleStatistics.Slope([.. window.Select(s => s.Seconds)], [.. window.Select(s => (double)s.Backlog.Events)]);
        var endBacklog = samples[^1].Backlog.Events;
        var clock = Stopwatch.StartNew();
        await DrainAsync(pipeline, load, TimeSpan.FromSeconds(120));
        var drain = clock.Elapsed.TotalSeconds;
        // Kept up: the drift stage passes (nearly) what is offered and the backlog does not grow (lag bounded).
        var keptUp = detected >= 0.97 * offered && growth <= 0.02 * offered && drain <= 5;
        return new StepResult(0, rate, offered, detected, endBacklog, growth, drain, keptUp);
    }

    private static async Task<LatencyFigures> MeasureLatencyAsync(Pipeline pipeline, LoadGenerator load, double rate, int seconds)
    {
        using var probe = new LatencyProbe(pipeline.Kafka, pipeline.Topics);
        probe.WaitAssigned(TimeSpan.FromSeconds(30));
        var from = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 2_000; // the first 2 s are left out
        var stalls = new RuntimeStalls();
        var phaseStart = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var sampler = new PhaseSampler(pipeline, load, TimeSpan.FromMilliseconds(50));
        var produced = load.Run(rate, TimeSpan.FromSeconds(seconds));
        var to = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await DrainAsync(pipeline, load, TimeSpan.FromSeconds(120));
        await Task.Delay(2_000); // the probe's last fetch
        var samples = sampler.Stop();
        sampler.Dispose();
        var stallReport = stalls.Stop();
        var (mutations, releases) = probe.Snapshot();
        var inWindow = mutations.Where(m => m.EventTime >= from && m.EventTime <= to).DistinctBy(m => m.MutationId).ToDictionary(m => m.MutationId, StringComparer.Ordinal);
        var answered = releases.Where(r => inWindow.ContainsKey(r.MutationId)).DistinctBy(r => r.MutationId).ToList();
        // The slowest records, each against what happened in the process between its event and its receipt.
        var slowest = inWindow.Values.OrderByDescending(m => m.Received - m.EventTime).Take(5).Select(m => new SlowRecord(
            (m.EventTime - phaseStart) / 1000.0, m.Received - m.EventTime, m.DetectedAt - m.EventTime, m.Received - m.DetectedAt,
            stallReport.PausedWithin(m.EventTime, m.Received), stallReport.MaxQueueDelayWithin(m.EventTime, m.Received),
            stallReport.Starvation.Count(t => t >= m.EventTime && t <= m.Received),
            samples.Where(x => phaseStart + (long)(x.Seconds * 1000) >= m.EventTime && phaseStart + (long)(x.Seconds * 1000) <= m.Received)
                .Select(x => x.Backlog.Events).DefaultIfEmpty(0).Max())).ToList();
        return new LatencyFigures(rate, produced / (double)seconds, seconds,
            [.. inWindow.Values.Select(m => (double)(m.Received - m.EventTime))],
            [.. inWindow.Values.Select(m => (double)(m.DetectedAt - m.EventTime))],
            [.. inWindow.Values.Select(m => (double)(m.Received - m.DetectedAt))],
            [.. answered.Select(r => (double)(r.Received - inWindow[r.MutationId].EventTime))],
            [.. answered.Select(r => (double)(r.MadeAt - inWindow[r.MutationId].EventTime))],
            stallReport, slowest,
            samples.Where(x => x.Seconds >= 2).Select(x => x.Backlog.Events).DefaultIfEmpty(0).Max());
    }

    private static async Task DrainAsync(Pipeline pipeline, LoadGenerator load, TimeSpan timeout)
    {
        load.Flush();
        if (!await pipeline.WaitDrainedAsync(() => load.Delivered, timeout))
        {
            throw new InvalidOperationException($"the pipeline did not drain within {timeout}: backlog {pipeline.Backlog(load.Delivered)}");
        }
    }

    private static Backlog MeanBacklog(IReadOnlyList<PipelineSample> samples, double from)
    {
        var window = samples.Where(s => s.Seconds >= from).DefaultIfEmpty(samples[^1]).ToList();
        return new Backlog(
            (long)window.Average(s => s.Backlog.Raw),
            (long)window.Average(s => s.Backlog.Clean),
            (long)window.Average(s => s.Backlog.Embedded),
            (long)window.Average(s => s.Backlog.Mutations));
    }

    /// <summary>
    /// CPU microseconds this process and redis-server spent per event in the closed loop: less sensitive to
    /// other work on a shared machine than a rate, so the figure to compare levers by.
    /// </summary>
    private static double CpuPerEvent(VariantResult result) => (result.Cpu.Process + result.Cpu.OtherProcess) / result.Capacity * 1e6;

    private static double Quantile(double[] values, double quantile) => values.Length == 0 ? double.NaN : SampleStatistics.Quantile(values, quantile);

    private static void Print(TextWriter output, EndToEndSettings settings, RawLimitFigures limits, VariantResult result)
    {
        var kcatConsume = limits.KcatConsume.Count > 0 ? SampleStatistics.Median(limits.KcatConsume) : double.NaN;
        var bareConsume = SampleStatistics.Median(limits.BareConsume);
        var evalsha = SampleStatistics.Median(limits.Evalsha);
        string Ratios(double rate) => string.Create(CultureInfo.InvariantCulture, $"{rate / kcatConsume:0.000} | {rate / bareConsume:0.000} | {rate / evalsha:0.000}");
        string Runs(List<double> runs) => string.Join(", ", runs.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)));
        var variant = result.Variant;
        var wait = variant.BatchWait ?? settings.BatchWait;
        var changes = variant.Producer.Select(p => $"producer {p.Key}={p.Value}").Concat(variant.Consumer.Select(c => $"consumer {c.Key}={c.Value}"))
            .Concat(variant.MinThreads is { } threads ? [$"thread pool minimum {threads} workers"] : [])
            .Concat(variant.Chains > 1 ? [$"{variant.Chains} fused chains in one consumer group"] : []).ToList();

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# End to end, **{variant.Label}**: {(variant.Fused ? "fused (one consumer of the raw topic; Ingest, Embedder, DriftDetector, Recommender in process; only dead letters, mutations and recommendations produced)" : "split (Ingest, Embedder, DriftDetector, Recommender each its own Kafka consumer and producer)")} in one process with the embedded broker (in process) and redis-server, {result.Partitions} partitions per topic, fetch.wait.max.ms {(settings.FetchWaitMs is { } w ? w.ToString(CultureInfo.InvariantCulture) : "500 (librdkafka default)")}, micro-batch {(variant.BatchSize is { } size ? size.ToString(CultureInfo.InvariantCulture) : "the stages' defaults")} / wait {(wait is { } b ? b.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + " ms" : "the stages' defaults")}, linger.ms {(settings.LingerMs is { } l ? l.ToString(CultureInfo.InvariantCulture) : "StreamRec's default")}{(changes.Count > 0 ? ", " + string.Join(", ", changes) : "")}, {Environment.ProcessorCount} cores; MovieLens replay, event time = wall clock at produce"));
        output.WriteLine();
        output.WriteLine("| measurement | median | unit | runs | ratio to kcat consume | ratio to bare consume | ratio to EVALSHA -P 64 |");
        output.WriteLine("|---|---:|---|---|---:|---:|---:|");
        void Row(string what, double median, string unit, string runs) => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {what} | {median:N0} | {unit} | {runs} | {Ratios(median)} |"));
        if (limits.KcatProduce.Count > 0)
        {
            Row("raw: kcat produce -> embedded broker", SampleStatistics.Median(limits.KcatProduce), "msg/s", Runs(limits.KcatProduce));
            Row("raw: kcat consume <- embedded broker", kcatConsume, "msg/s", Runs(limits.KcatConsume));
        }

        Row("raw: bare Confluent producer (idempotent, lz4, as the stages)", SampleStatistics.Median(limits.BareProduce), "msg/s", Runs(limits.BareProduce));
        Row("raw: bare Confluent consumer (StreamRec's consumer settings)", bareConsume, "msg/s", Runs(limits.BareConsume));
        Row("raw: bare Confluent consumer, fetch.queue.backoff.ms 1000 (librdkafka's default)", SampleStatistics.Median(limits.BareConsumeDefaultBackoff), "msg/s", Runs(limits.BareConsumeDefaultBackoff));
        Row("raw: redis-benchmark EVALSHA of the drift state script -P 64", evalsha, "scripts/s", Runs(limits.Evalsha));
        Row(string.Create(CultureInfo.InvariantCulture, $"closed loop (≤ {settings.BacklogBound:N0} events in the pipeline): events through the drift stage ({result.AllocatedPerEvent:N0} bytes allocated per event)"), result.Capacity, "events/s", "1");
        foreach (var step in result.Steps)
        {
            Row(string.Create(CultureInfo.InvariantCulture,
                $"open loop at {step.Percent} % of C, offered {step.Offered:N0}/s: through drift (backlog at end {step.EndBacklog:N0}, growing {step.Growth:N0}/s, drained in {step.DrainSeconds:0.0} s) {(step.KeptUp ? "kept up" : "**not kept up**")}"), step.Detected, "events/s", "1");
        }

        Row("**maximum sustained (highest open-loop rate kept up with)**", result.Sustained, "events/s", "");
        output.WriteLine();
        var backlog = result.MeanBacklog;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Closed loop, mean backlog per stage input: raw {backlog.Raw:N0}, clean {backlog.Clean:N0}, embedded {backlog.Embedded:N0}, mutations {backlog.Mutations:N0} (the stage with the backlog is the bottleneck; fused: all but raw are in process)."));
        foreach (var latency in result.Latencies)
        {
            output.WriteLine();
            var stalls = latency.Stalls;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Latency at a fixed offered load of {latency.Rate:N0} events/s (produced {latency.Produced:N0}/s) for {latency.Seconds} s, the first 2 s left out; from the event's ts (wall clock when produced) to:"));
            output.WriteLine();
            output.WriteLine("| latency | records | p50 ms | p90 ms | p99 ms | max ms |");
            output.WriteLine("|---|---:|---:|---:|---:|---:|");
            void Latency(string what, double[] values) => output.WriteLine(values.Length == 0
                ? $"| {what} | 0 | | | | |"
                : string.Create(CultureInfo.InvariantCulture,
                    $"| {what} | {values.Length:N0} | {SampleStatistics.Quantile(values, 0.5):N0} | {SampleStatistics.Quantile(values, 0.9):N0} | {SampleStatistics.Quantile(values, 0.99):N0} | {values.Max():N0} |"));
            Latency("event -> mutation detected (the record's detected_at, inside the drift stage)", latency.Detected);
            Latency("mutation detected -> its record received (drift's produce, the broker, the probe's fetch)", latency.DetectedToReceived);
            Latency("**event -> mutation record received** by a downstream consumer", latency.MutationReceived);
            Latency("event -> recommendation made (the record's time, inside the recommend stage)", latency.ReleaseMade);
            Latency("**event -> recommendation record received** by a downstream consumer", latency.ReleaseReceived);
            output.WriteLine();
            var delays = stalls.Delays.Select(d => d.Milliseconds).ToArray();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Over the phase: GC {stalls.Gen0:N0} gen0 / {stalls.Gen1:N0} gen1 / {stalls.Gen2:N0} gen2 collections, paused {stalls.PausedMs:N0} ms in all, longest pause {stalls.MaxPauseMs:N1} ms, {stalls.AllocatedBytes / Math.Max(1.0, latency.Produced * latency.Seconds):N0} bytes allocated per event; thread pool {stalls.MinThreads}-{stalls.MaxThreads} threads, {stalls.Starvation.Length} starvation injections, a work item queued every 10 ms waited p50 {Quantile(delays, 0.5):N1} / p99 {Quantile(delays, 0.99):N1} / max {(delays.Length > 0 ? delays.Max() : 0):N0} ms; events not yet through drift at most {latency.MaxBacklog:N0}."));
            output.WriteLine();
            output.WriteLine("The five slowest mutation records, against what the process did between the event and the record's receipt:");
            output.WriteLine();
            output.WriteLine("| s into phase | event -> received ms | event -> detected | detected -> received | GC paused meanwhile ms | longest thread-pool queueing ms | starvation injections | most events in the pipeline |");
            output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var slow in latency.Slowest)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {slow.At:0.0} | {slow.Total:N0} | {slow.ToDetected:N0} | {slow.DetectedToReceived:N0} | {slow.GcPausedMs:N1} | {slow.MaxQueueDelayMs:N0} | {slow.StarvationInjections} | {slow.MaxBacklog:N0} |"));
            }
        }

        var cpu = result.Cpu;
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CPU in the closed loop (cores of {Environment.ProcessorCount}): this process {cpu.Process:0.00}, redis-server {cpu.OtherProcess:0.00}, whole machine {cpu.Machine:0.00} (the rest is other work on the machine); {CpuPerEvent(result):N1} µs of this process's and redis-server's CPU per event. By thread name:"));
        output.WriteLine();
        output.WriteLine("| threads | cores |");
        output.WriteLine("|---|---:|");
        foreach (var (name, cores) in cpu.Threads.Where(t => t.Value >= 0.005).Take(14))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {cores:0.00} |"));
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Allocations in the closed loop: {result.AllocatedPerEvent:N0} bytes per event through drift (the load generator's and the probe's included), by type (the runtime's allocation sampling, one sample per ~100 KB):"));
        output.WriteLine();
        output.WriteLine("| type | share | bytes per event |");
        output.WriteLine("|---|---:|---:|");
        foreach (var (type, share) in result.AllocatedTypes.Take(12))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `{type}` | {share:P1} | {share * result.AllocatedPerEvent:N0} |"));
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Events produced: {result.Produced:N0} (MovieLens replayed {result.Passes:0.0} times, new users each pass); log entries at Warning or above: {result.Warnings:N0}."));
        foreach (var line in result.FirstWarnings)
        {
            output.WriteLine($"- {line}");
        }
    }

    /// <summary>Every variant of the run side by side, each figure also as a ratio to the raw limits measured once at the start.</summary>
    private static void PrintComparison(TextWriter output, RawLimitFigures limits, List<VariantResult> results)
    {
        var kcatConsume = limits.KcatConsume.Count > 0 ? SampleStatistics.Median(limits.KcatConsume) : double.NaN;
        var bareConsume = SampleStatistics.Median(limits.BareConsume);
        var bareProduce = SampleStatistics.Median(limits.BareProduce);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# Side by side (raw limits of this run: kcat consume {kcatConsume:N0}, bare Confluent consumer {bareConsume:N0}, bare Confluent producer {bareProduce:N0} records/s; targets, fused: maximum sustained >= 100,000 events/s, p99 event -> mutation record received <= 100 ms at 10,000 events/s and at half the maximum sustained)"));
        output.WriteLine();
        output.WriteLine("| variant | closed loop events/s | CPU µs per event (closed loop; process + redis-server) | **maximum sustained** events/s | / kcat consume | / bare consume | / bare produce | bytes allocated per event | latency at | event -> mutation received p50 / p90 / p99 / max ms | event -> detected p99 | detected -> received p99 | GC paused (longest) ms | longest thread-pool queueing ms |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---|---:|");
        foreach (var result in results)
        {
            var first = true;
            foreach (var latency in result.Latencies.DefaultIfEmpty())
            {
                var head = first
                    ? string.Create(CultureInfo.InvariantCulture,
                        $"| {result.Variant.Label} | {result.Capacity:N0} | {CpuPerEvent(result):N1} | **{result.Sustained:N0}** | {result.Sustained / kcatConsume:0.000} | {result.Sustained / bareConsume:0.000} | {result.Sustained / bareProduce:0.000} | {result.AllocatedPerEvent:N0}")
                    : "| | | | | | | |";
                first = false;
                if (latency is null)
                {
                    output.WriteLine(head + " | | | | | | |");
                    continue;
                }

                var m = latency.MutationReceived;
                var delays = latency.Stalls.Delays.Select(d => d.Milliseconds).DefaultIfEmpty(0).Max();
                output.WriteLine(head + string.Create(CultureInfo.InvariantCulture,
                    $" | {latency.Rate:N0}/s | {Quantile(m, 0.5):N0} / {Quantile(m, 0.9):N0} / **{Quantile(m, 0.99):N0}** / {(m.Length > 0 ? m.Max() : double.NaN):N0} | {Quantile(latency.Detected, 0.99):N0} | {Quantile(latency.DetectedToReceived, 0.99):N0} | {latency.Stalls.PausedMs:N0} ({latency.Stalls.MaxPauseMs:N1}) | {delays:N0} |"));
            }
        }
    }

    private sealed record RawLimitFigures(List<double> KcatProduce, List<double> KcatConsume, List<double> BareProduce, List<double> BareConsume,
        List<double> BareConsumeDefaultBackoff, List<double> Evalsha);

    private sealed record StepResult(int Percent, double Rate, double Offered, double Detected, long EndBacklog, double Growth, double DrainSeconds, bool KeptUp);

    private sealed record LatencyFigures(double Rate, double Produced, int Seconds, double[] MutationReceived, double[] Detected, double[] DetectedToReceived,
        double[] ReleaseReceived, double[] ReleaseMade, StallReport Stalls, List<SlowRecord> Slowest, long MaxBacklog);

    /// <summary>A slow mutation: seconds into the phase, its latency split, and what the process did meanwhile.</summary>
    private sealed record SlowRecord(double At, long Total, long ToDetected, long DetectedToReceived, double GcPausedMs, double MaxQueueDelayMs, int StarvationInjections, long MaxBacklog);

    private sealed record VariantResult(TopologyVariant Variant, int Partitions, double Capacity, Backlog MeanBacklog, List<StepResult> Steps, double Sustained,
        List<LatencyFigures> Latencies, CpuUse Cpu, double AllocatedPerEvent, List<(string Type, double Share)> AllocatedTypes, long Produced, double Passes, long Warnings, IReadOnlyList<string> FirstWarnings);
}
