using System.Net;
using System.Text.Json;
using StreamRec.Contracts;
using StreamRec.Embedded;
using StreamRec.Ingest;
using StreamRec.IntegrationTests.Embedding;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.IntegrationTests.Kafka;
using StreamRec.Recommender.Billboard;

namespace StreamRec.IntegrationTests.Hosting;

/// <summary><c>streamrec run</c> as an operator runs it: a real process, the embedded broker, a real redis-server.</summary>
[Collection(KafkaCollection.Name)]
public sealed class RunCommandTests(KafkaFixture kafka)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_worker_running_all_stages_serves_metrics_that_pass_promtool_exports_OTLP_and_stops_cleanly_on_SIGTERM()
    {
        using var otlp = new OtlpReceiver();
        using var run = await StartAllStagesAsync("run",
            $"--Observability:Otlp:Endpoint={otlp.MetricsEndpoint}", "--Observability:Otlp:Protocol=http/protobuf", "--Observability:Otlp:ExportInterval=00:00:01");
        var (prefix, worker) = (run.Prefix, run.Worker);

        var users = Enumerable.Range(0, 3).Select(u => $"{prefix}person-{u}").ToList();
        var records = users.SelectMany(user => Enumerable.Range(0, 60).Select(i => (user, Json(new RawEvent
        {
            EventId = $"{user}-{i}", UserId = user, ItemId = $"{prefix}{(i < 30 ? "c" : "h")}{i % 10}", Type = "click",
            Ts = 1_600_000_000_000L + (i * 60_000L), Title = i < 30 ? $"Happy Laugh {i % 10}" : $"Night Scream {i % 10}",
            Categories = [i < 30 ? "Comedy" : "Horror"],
        })))).Append(("broken", "{not json")).ToList();
        KafkaTestClients.ProduceAll(kafka.Options, WorkerProcess.Topics(prefix).Raw, records);

        var text = "";
        await Eventually.TrueAsync(async () =>
        {
            text = (await worker.GetAsync("/metrics")).Body;
            // Counted from the start: what the stages did before the first scrape is there too.
            return Value(text, "streamrec_events_forwarded_total", "stage=\"ingest\"") == 180
                && Value(text, "streamrec_events_consumed_total", "stage=\"drift\"") == 180
                && Value(text, "streamrec_events_dead_lettered_total", "stage=\"ingest\"", "reason=") > 0
                // All four stages in one process run fused: one consumer, of the raw topic.
                && Value(text, "streamrec_consumer_lag", "stage=\"fused\"", "partition=") is not null;
        }, Deadline, () => $"every event through the drift stage, the broken one dead-lettered, and the lag gauge, on /metrics:\n{text}\n{worker.Process.StandardOutput}");

        var promtool = await ExternalProcess.RunAsync("promtool", text, TimeSpan.FromSeconds(30), "check", "metrics");
        Assert.True(promtool.ExitCode == 0, $"promtool check metrics exited {promtool.ExitCode}:\n{promtool.StandardOutput}\n{promtool.StandardError}\n--- metrics ---\n{text}");
        Assert.Contains("# TYPE dotnet_process_cpu_time_seconds_total counter", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_thread_pool_thread_number gauge", text, StringComparison.Ordinal); // a count that goes down is no counter
        Assert.Equal(1, Value(text, "streamrec_ready", "check=\"redis\""));
        Assert.DoesNotContain(prefix + "person", text, StringComparison.Ordinal); // never a user id, raw or otherwise, in a label
        Assert.DoesNotContain(prefix + "person", worker.Process.StandardOutput + worker.Process.StandardError, StringComparison.Ordinal);

        await Eventually.TrueAsync(() => otlp.Requests.Any(r => r.Path == "/v1/metrics" && r.ContentType == "application/x-protobuf" && r.Bytes > 100),
            Deadline, () => $"an OTLP/HTTP metrics export; received: {string.Join(", ", otlp.Requests.Select(r => $"{r.Path} {r.ContentType} {r.Bytes} B"))}");

        worker.Process.Terminate();
        await worker.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(worker.Process.ExitCode == 0, $"exit {worker.Process.ExitCode}\n{worker.Process.StandardOutput}\n{worker.Process.StandardError}");
        Assert.Contains("Stages ingest,embed,drift,recommend fused in 1 chain(s): each one consumer of " + WorkerProcess.Topics(prefix).Raw, worker.Process.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Stage fused stopped", worker.Process.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Before_any_event_every_counter_a_dashboard_or_alert_reads_is_exported_at_zero()
    {
        // rate() and increase() cannot see the first sample of a series: a counter that appears only at
        // its first increment loses that increment, and its panel shows "no data" until then.
        using var run = await StartAllStagesAsync("zero");
        var worker = run.Worker;
        var expected = new List<(string Name, string[] Labels)>();
        foreach (var stage in new[] { "ingest", "embed", "drift", "recommend" })
        {
            expected.Add(("streamrec_events_consumed_total", [$"stage=\"{stage}\""]));
            expected.Add(("streamrec_events_forwarded_total", [$"stage=\"{stage}\""]));
        }

        // The four run fused, restarted together as one worker.
        expected.Add(("streamrec_stage_restarts_total", ["stage=\"fused\"", "reason=\"kafka\""]));
        expected.Add(("streamrec_stage_restarts_total", ["stage=\"fused\"", "reason=\"redis\""]));

        expected.AddRange(RejectionReasons.All.Select(r => ("streamrec_events_dead_lettered_total", new[] { "stage=\"ingest\"", $"reason=\"{r}\"" })));
        expected.AddRange(new[] { "embed", "drift", "recommend" }.Select(s => ("streamrec_events_dead_lettered_total", new[] { $"stage=\"{s}\"" })));
        expected.AddRange(new[]
        {
            "streamrec_embed_cache_hits_total", "streamrec_embed_cache_misses_total", "streamrec_embed_items_written_total",
            "streamrec_mutations_total", "streamrec_drift_events_applied_total", "streamrec_drift_events_replayed_total",
            "streamrec_drift_state_resets_total", "streamrec_drift_state_writes_refused_total",
            "streamrec_privacy_epsilon_spent_total", "streamrec_privacy_budget_exhausted_total",
        }.Select(name => (name, Array.Empty<string>())));
        expected.Add(("streamrec_recommendations_published_total", ["trigger=\"mutation\""]));
        expected.Add(("streamrec_recommendations_skipped_total", ["reason=\"no_candidates\""]));
        expected.Add(("streamrec_billboard_releases_total", []));
        expected.AddRange(BillboardOutcomes.All.Select(o => ("streamrec_billboard_events_total", new[] { $"outcome=\"{o}\"" })));
        expected.Add(("streamrec_events_consumed_total", ["stage=\"billboard\""]));

        var text = "";
        List<string> missing = [];
        await Eventually.TrueAsync(async () =>
        {
            text = (await worker.GetAsync("/metrics")).Body;
            var lines = text.Split('\n');
            missing = [.. expected.Where(e => !lines.Any(line => IsZero(line, e.Name, e.Labels))).Select(e => $"{e.Name}{{{string.Join(",", e.Labels)}}}")];
            return missing.Count == 0;
        }, TimeSpan.FromSeconds(10), () => $"every counter at 0; missing: {string.Join(", ", missing)}\n--- /metrics ---\n{text}");

        worker.Process.Terminate();
        await worker.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, worker.Process.ExitCode);
    }

    /// <summary>
    /// The sum of the series of <paramref name="name"/> carrying every one of <paramref name="labels"/>
    /// (<c>key="value"</c>, or <c>key=</c> for any value), whatever other labels they have (the exporter
    /// adds <c>otel_scope_name</c>) and in whatever order; null when there is none.
    /// </summary>
    private static double? Value(string text, string name, params string[] labels)
    {
        var values = text.Split('\n')
            .Where(line => (line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
                && labels.All(label => line.Contains(label, StringComparison.Ordinal)))
            .Select(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        return values.Count == 0 ? null : values.Sum();
    }

    /// <summary>A sample line of <paramref name="name"/> carrying every one of <paramref name="labels"/>, with the value 0.</summary>
    private static bool IsZero(string line, string name, string[] labels)
    {
        if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || line[name.Length] is not ('{' or ' '))
        {
            return false;
        }

        var value = line[(line.LastIndexOf(' ') + 1)..];
        return value == "0" && labels.All(label => line.Contains(label, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Readiness_follows_Redis_not_ready_while_it_is_down_ready_again_when_it_is_back_and_liveness_stays_up()
    {
        var prefix = UniqueNames.Next("ready") + "-";
        CreateTopics(prefix);
        using var redis = await RedisServerProcess.StartAsync();
        using var worker = WorkerProcess.Start("drift", kafka.BootstrapServers, redis.ConnectionString, prefix, "unused.onnx");
        var ready = await worker.WaitForAsync("/readyz", HttpStatusCode.OK, Deadline);
        Assert.Contains("\"name\":\"partitions\",\"ok\":true", ready, StringComparison.Ordinal);

        redis.Kill();
        var down = await worker.WaitForAsync("/readyz", HttpStatusCode.ServiceUnavailable, Deadline);
        Assert.Contains("\"name\":\"redis\",\"ok\":false", down, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"kafka\",\"ok\":true", down, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await worker.GetAsync("/healthz")).Status); // alive: no restart for a Redis outage
        Assert.Equal(0, Value((await worker.GetAsync("/metrics")).Body, "streamrec_ready", "check=\"redis\""));

        await redis.RestartAsync();
        await worker.WaitForAsync("/readyz", HttpStatusCode.OK, Deadline);
        Assert.False(worker.Process.HasExited);
    }

    [Theory]
    [InlineData("--Ingest:MaxBatchSiz=100", "Ingest:MaxBatchSiz")]
    [InlineData("--DriftDetector:Detection:CusumTreshold=9", "DriftDetector:Detection:CusumTreshold")]
    [InlineData("--Recommender:EpsilonSelection=-1", "Recommender:EpsilonSelection")]
    [InlineData("--Recommender:TopK=ten", "Recommender:TopK")]
    [InlineData("--Recommender:Privacy:Mode=lenient", "Recommender:Privacy:Mode")]
    [InlineData("--Recommender:Billboard:ReleasesPerWindow=0", "Recommender:Billboard:ReleasesPerWindow")]
    [InlineData("--Recommender:Billboard:Epsilon=1", "Recommender:Billboard:Epsilon")]
    [InlineData("--Kafka:Client:security.protocol=carrier-pigeon", "Kafka:Client:security.protocol")]
    [InlineData("--Kafka:Consumer:enable.auto.offset.store=true", "Kafka:Consumer:enable.auto.offset.store")]
    [InlineData("--Observability:Port=70000", "Observability:Port")]
    [InlineData("--Kafak:BootstrapServers=x:1", "Kafak")]
    [InlineData("--Topology:Mode=fuse", "Topology:Mode")]
    [InlineData("--Topology:Chains=0", "Topology:Chains")]
    [InlineData("--Topology:Mode=fused", "Topology:Mode")] // ingest,drift,recommend: nothing hands Ingest's records to the DriftDetector
    public async Task Invalid_configuration_stops_the_process_with_exit_code_2_naming_the_key(string setting, string key)
    {
        using var run = ExternalProcess.StartStreamRec(
            new Dictionary<string, string> { ["STREAMREC__Ingest__PseudonymKey"] = Convert.ToBase64String(new byte[32]) },
            "run", "--stages", "ingest,drift,recommend", "--Kafka:BootstrapServers=127.0.0.1:9", "--Redis:Configuration=127.0.0.1:9", setting);
        await run.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}\n{run.StandardOutput}\n{run.StandardError}");
        Assert.Contains(key, run.StandardError, StringComparison.Ordinal);
        Assert.Contains("invalid configuration", run.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("not-onnx")]
    public async Task An_encoder_model_that_is_missing_or_not_a_model_stops_the_process_at_start_with_exit_code_2_and_one_line_naming_the_key(string kind)
    {
        var path = Path.Combine(Path.GetTempPath(), $"streamrec-{UniqueNames.Next("model")}.onnx");
        if (kind == "not-onnx")
        {
            await File.WriteAllTextAsync(path, "not an ONNX model");
        }

        try
        {
            using var run = ExternalProcess.StartStreamRec(
                new Dictionary<string, string> { ["STREAMREC__Ingest__PseudonymKey"] = Convert.ToBase64String(new byte[32]) },
                "run", "--stages", "ingest,embed,drift,recommend", $"--Kafka:BootstrapServers={kafka.BootstrapServers}", "--Redis:Configuration=127.0.0.1:9",
                "--Observability:ListenAddress=127.0.0.1", $"--Observability:Port={LoopbackPorts.GetFree()}", $"--Embedder:ModelPath={path}");
            await run.WaitForExitAsync(TimeSpan.FromSeconds(60));

            var errors = run.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}\n{run.StandardOutput}\n{run.StandardError}");
            Assert.Equal("streamrec: invalid configuration:", errors[0]);
            Assert.True(errors.Length == 2, run.StandardError);
            Assert.StartsWith($"  Embedder:ModelPath: '{path}' ", errors[1], StringComparison.Ordinal);
            Assert.DoesNotContain("Stage", run.StandardOutput, StringComparison.Ordinal); // no stage started
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_missing_secret_from_every_source_stops_the_process_with_exit_code_2_naming_the_key()
    {
        using var run = ExternalProcess.StartStreamRec("run", "--stages", "ingest", "--Kafka:BootstrapServers=127.0.0.1:9");
        await run.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}\n{run.StandardOutput}\n{run.StandardError}");
        Assert.Contains("Ingest:PseudonymKey is required", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_environment_overrides_appsettings_json_and_the_command_line_overrides_both()
    {
        var directory = Directory.CreateTempSubdirectory("streamrec-config-");
        try
        {
            // Each layer sets an impossible TopK; the error message shows which value won.
            var file = Path.Combine(directory.FullName, "appsettings.json");
            await File.WriteAllTextAsync(file, """{ "Kafka": { "BootstrapServers": "127.0.0.1:9" }, "Redis": { "Configuration": "127.0.0.1:9" }, "Recommender": { "TopK": 1001, "BudgetCap": 7 } }""");
            var environment = new Dictionary<string, string> { ["STREAMREC__Recommender__TopK"] = "1002" };

            using var fileAndEnvironment = ExternalProcess.StartStreamRec(environment, "run", "--stages", "recommend", "--config", file);
            using var all = ExternalProcess.StartStreamRec(environment, "run", "--stages", "recommend", "--config", file, "--Recommender:TopK", "1003");
            await fileAndEnvironment.WaitForExitAsync(TimeSpan.FromSeconds(60));
            await all.WaitForExitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(2, fileAndEnvironment.ExitCode);
            Assert.Contains("Recommender:TopK must be between 1 and 1000 (is 1002)", fileAndEnvironment.StandardError, StringComparison.Ordinal);
            Assert.Equal(2, all.ExitCode);
            Assert.Contains("Recommender:TopK must be between 1 and 1000 (is 1003)", all.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("BudgetCap", all.StandardError, StringComparison.Ordinal); // the file's other values still apply, and are valid
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private void CreateTopics(string prefix)
    {
        foreach (var topic in WorkerProcess.Topics(prefix).All)
        {
            kafka.CreateTopic(topic, partitions: 2);
        }
    }

    private static string Json(RawEvent e) => JsonSerializer.Serialize(e, ContractsJsonContext.Default.RawEvent);

    private async Task<AllStages> StartAllStagesAsync(string name, params string[] settings)
    {
        var prefix = UniqueNames.Next(name) + "-";
        CreateTopics(prefix);
        var redis = await RedisServerProcess.StartAsync();
        var encoder = new TestEncoder(prefix + "model");
        var run = new AllStages(prefix, redis, encoder,
            WorkerProcess.Start("ingest,embed,drift,recommend", kafka.BootstrapServers, redis.ConnectionString, prefix, encoder.ModelPath, settings));
        try
        {
            await run.Worker.WaitForAsync("/readyz", HttpStatusCode.OK, Deadline);
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    /// <summary>A <c>streamrec run</c> of all four stages on topics of its own, with its own redis-server and encoder model, once ready.</summary>
    private sealed record AllStages(string Prefix, RedisServerProcess Redis, TestEncoder Encoder, WorkerProcess Worker) : IDisposable
    {
        public void Dispose()
        {
            Worker.Dispose();
            Encoder.Dispose();
            Redis.Dispose();
        }
    }
}
