using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using StreamRec.Embedded;
using StreamRec.IntegrationTests.Embedding;
using StreamRec.IntegrationTests.Hosting;
using StreamRec.IntegrationTests.Infrastructure;

namespace StreamRec.IntegrationTests.Deployment;

/// <summary>
/// The chart's Deployments, run as the kubelet would run them: the container's arguments and
/// environment exactly as rendered (Secret references filled in from made-up Secrets), the ConfigMap's
/// appsettings.json at the path <c>--config</c> names, the real <c>streamrec</c> on the embedded broker and
/// a real redis-server. Each worker must accept the chart's configuration (an unknown key would stop it
/// with exit code 2) and become ready on the probe paths; the GPU variant's embedder, where there is no
/// CUDA, must refuse to start rather than quietly run on the CPU.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class RenderedWorkerTests(KafkaFixture kafka)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Every_rendered_Deployment_runs_a_worker_that_accepts_the_ConfigMap_and_becomes_ready_then_stops_cleanly()
    {
        var prefix = UniqueNames.Next("chart") + "-";
        foreach (var topic in WorkerProcess.Topics(prefix).All)
        {
            kafka.CreateTopic(topic, partitions: 2);
        }

        using var redis = await RedisServerProcess.StartAsync();
        using var encoder = new TestEncoder(prefix + "model");
        using var directory = new TemporaryDirectory();
        var manifests = await RenderForThisMachineAsync(ChartVariant.Default, prefix, redis.ConnectionString, encoder.ModelPath, directory);
        var deployments = manifests.OfKind("Deployment").ToList();
        Assert.Equal(4, deployments.Count);

        var workers = deployments.Select(d => (Name: Manifests.Name(d), Pod: Start(manifests, d, directory))).ToList();
        try
        {
            foreach (var (name, pod) in workers)
            {
                var ready = await pod.Worker.WaitForAsync(pod.ReadinessPath, HttpStatusCode.OK, Deadline);
                Assert.Contains("\"ok\":true", ready, StringComparison.Ordinal);
                Assert.Equal(HttpStatusCode.OK, (await pod.Worker.GetAsync(pod.LivenessPath)).Status);
                Assert.Contains("streamrec_ready", (await pod.Worker.GetAsync("/metrics")).Body, StringComparison.Ordinal);
            }

            foreach (var (name, pod) in workers)
            {
                pod.Worker.Process.Terminate();
                await pod.Worker.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
                Assert.True(pod.Worker.Process.ExitCode == 0, $"{name}: exit {pod.Worker.Process.ExitCode}\n{pod.Worker.Process.StandardOutput}\n{pod.Worker.Process.StandardError}");
            }
        }
        finally
        {
            foreach (var (_, pod) in workers)
            {
                pod.Worker.Dispose();
            }
        }
    }

    [Fact]
    public async Task The_GPU_embedder_where_CUDA_cannot_be_loaded_refuses_to_start_instead_of_running_on_the_CPU()
    {
        var prefix = UniqueNames.Next("chartgpu") + "-";
        using var redis = await RedisServerProcess.StartAsync();
        using var encoder = new TestEncoder(prefix + "model");
        using var directory = new TemporaryDirectory();
        var manifests = await RenderForThisMachineAsync(ChartVariant.Gpu, prefix, redis.ConnectionString, encoder.ModelPath, directory);

        using var embedder = Start(manifests, manifests.Single("Deployment", $"{ChartVariant.FullName}-embedder"), directory).Worker;
        await embedder.Process.WaitForExitAsync(Deadline);

        // The tests run the CPU build of ONNX Runtime, which has no CUDA provider: with AllowCpuFallback=false from the chart, that is fatal.
        var output = embedder.Process.StandardOutput + embedder.Process.StandardError;
        Assert.True(embedder.Process.ExitCode != 0, $"the GPU embedder started on a machine without CUDA:\n{output}");
        Assert.Contains("CUDA", output, StringComparison.Ordinal);
        Assert.Contains("no CUDAExecutionProvider", output, StringComparison.Ordinal); // the tests run the CPU build
        Assert.Contains("AllowCpuFallback", output, StringComparison.Ordinal);
    }

    /// <summary>The chart rendered with this machine's broker, Redis, topics, groups and model, through a values file as an operator would.</summary>
    private async Task<Manifests> RenderForThisMachineAsync(ChartVariant variant, string prefix, string redis, string modelPath, TemporaryDirectory directory)
    {
        var topics = WorkerProcess.Topics(prefix);
        var values = new JsonObject
        {
            ["config"] = new JsonObject
            {
                ["Kafka"] = new JsonObject
                {
                    ["BootstrapServers"] = kafka.BootstrapServers,
                    // The embedded broker's rebalances wait half the session timeout (README, "What the embedded broker does not do").
                    ["Consumer"] = new JsonObject { ["session.timeout.ms"] = "6000", ["heartbeat.interval.ms"] = "500", ["statistics.interval.ms"] = "1000" },
                    ["Topics"] = new JsonObject
                    {
                        ["Raw"] = topics.Raw, ["Clean"] = topics.Clean, ["Embedded"] = topics.Embedded, ["DeadLetter"] = topics.DeadLetter,
                        ["Mutations"] = topics.Mutations, ["Recommendations"] = topics.Recommendations, ["Catalog"] = topics.Catalog,
                        ["Billboard"] = topics.Billboard,
                    },
                },
                ["Redis"] = new JsonObject { ["Configuration"] = redis },
                ["Ingest"] = new JsonObject { ["GroupId"] = prefix + "ingest" },
                ["Embedder"] = new JsonObject { ["GroupId"] = prefix + "embed", ["ModelPath"] = modelPath },
                ["DriftDetector"] = new JsonObject { ["GroupId"] = prefix + "drift" },
                ["Recommender"] = new JsonObject
                {
                    ["GroupId"] = prefix + "recommend", ["Billboard"] = new JsonObject { ["GroupId"] = prefix + "billboard" },
                },
            },
        };
        var file = Path.Combine(directory.Path, "this-machine-values.yaml");
        await File.WriteAllTextAsync(file, values.ToJsonString()); // JSON is YAML
        var run = await ChartTools.TryRenderAsync([.. variant.ValuesFiles, file], variant.Sets);
        Assert.True(run.Succeeded, run.Describe());
        return Manifests.Parse(run.StandardOutput);
    }

    /// <summary>Starts a Deployment's container as a process: its arguments and environment, the ConfigMap file at the --config path.</summary>
    private static Pod Start(Manifests manifests, JsonObject deployment, TemporaryDirectory directory)
    {
        var container = Manifests.Container(deployment);
        var arguments = Manifests.Arguments(container);
        var config = arguments.IndexOf("--config") + 1;
        Assert.True(config > 0, "no --config");
        var file = Path.Combine(directory.Path, Manifests.Name(deployment), Path.GetFileName(arguments[config]));
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, (string)manifests.OfKind("ConfigMap").Single(c => Manifests.Name(c).EndsWith("-config", StringComparison.Ordinal))["data"]![Path.GetFileName(arguments[config])]!);
        arguments[config] = file;

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, entry) in Manifests.Environment(container))
        {
            var reference = entry["valueFrom"]?["secretKeyRef"];
            environment[name] = reference is null ? (string)entry["value"]! : SecretValue((string)reference["name"]!, (string)reference["key"]!);
        }

        // Four pods share this machine's network: each gets its own port (in a cluster each pod has its own address).
        var port = LoopbackPorts.GetFree();
        environment["STREAMREC__Observability__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = ExternalProcess.StartStreamRec(environment, [.. arguments]);
        return new Pod(WorkerProcess.Attach(process, port), (string)container["readinessProbe"]!["httpGet"]!["path"]!, (string)container["livenessProbe"]!["httpGet"]!["path"]!);
    }

    /// <summary>The made-up Secrets this test "created" before installing the chart.</summary>
    private static string SecretValue(string secret, string key) => (secret, key) switch
    {
        ("streamrec-pseudonym-key", "pseudonym-key") => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        _ => throw new InvalidOperationException($"the Deployment references Secret {secret} key {key}, which this test did not create"),
    };

    private sealed record Pod(WorkerProcess Worker, string ReadinessPath, string LivenessPath);

    private sealed class TemporaryDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("streamrec-chart-run-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
