using System.Text.Json.Nodes;

namespace StreamRec.IntegrationTests.Deployment;

/// <summary>What each way of installing the chart produces: the Deployments and their stages, GPU, KEDA, secrets, one process for all stages; and the values combinations it refuses.</summary>
public sealed class ChartVariantTests
{
    private const string Prefix = ChartVariant.FullName;

    [Fact]
    public async Task Default_values_run_each_stage_in_its_own_Deployment_and_give_the_pseudonym_key_to_Ingest_only()
    {
        var manifests = await ChartTools.RenderAsync(ChartVariant.Default);

        var stages = manifests.OfKind("Deployment").ToDictionary(Manifests.Name, d => Manifests.Arguments(Manifests.Container(d))[2]);
        Assert.Equal(new Dictionary<string, string>
        {
            [$"{Prefix}-ingest"] = "ingest", [$"{Prefix}-embedder"] = "embed",
            [$"{Prefix}-drift-detector"] = "drift", [$"{Prefix}-recommender"] = "recommend",
        }, stages);
        foreach (var deployment in manifests.OfKind("Deployment"))
        {
            var container = Manifests.Container(deployment);
            Assert.Equal("streamrec/streamrec:0.1.0", (string?)container["image"]);
            Assert.Equal("1", (string?)deployment["spec"]!["replicas"]);
            var environment = Manifests.Environment(container);
            Assert.Equal(Manifests.Name(deployment).EndsWith("-ingest", StringComparison.Ordinal), environment.ContainsKey("STREAMREC__Ingest__PseudonymKey"));
            Assert.DoesNotContain("STREAMREC__Redis__Password", environment.Keys); // no Redis Secret configured
            Assert.Null(container["resources"]!["limits"]!["nvidia.com/gpu"]);
        }

        var key = Manifests.Environment(Manifests.Container(manifests.Single("Deployment", $"{Prefix}-ingest")))["STREAMREC__Ingest__PseudonymKey"];
        Assert.Equal("streamrec-pseudonym-key", (string?)key["valueFrom"]!["secretKeyRef"]!["name"]);
        Assert.Equal("pseudonym-key", (string?)key["valueFrom"]!["secretKeyRef"]!["key"]);

        Assert.Equal(4, manifests.OfKind("Service").Count());
        Assert.Equal(4, manifests.OfKind("PodDisruptionBudget").Count());
        foreach (var optional in new[] { "HorizontalPodAutoscaler", "ScaledObject", "TriggerAuthentication", "ServiceMonitor", "PrometheusRule", "Secret" })
        {
            Assert.Empty(manifests.OfKind(optional));
        }

        var settings = manifests.AppSettings();
        Assert.Equal("kafka:9092", (string?)settings["Kafka"]!["BootstrapServers"]);
        Assert.Equal("redis:6379", (string?)settings["Redis"]!["Configuration"]);
        Assert.Equal("/opt/streamrec/models/encoder.onnx", (string?)settings["Embedder"]!["ModelPath"]);
    }

    [Fact]
    public async Task The_GPU_embedder_gets_the_GPU_image_a_GPU_limit_the_CUDA_provider_and_GPU_node_placement_and_no_other_stage_does()
    {
        var manifests = await ChartTools.RenderAsync(ChartVariant.Gpu);

        var embedder = manifests.Single("Deployment", $"{Prefix}-embedder");
        var container = Manifests.Container(embedder);
        Assert.Equal("streamrec/streamrec:0.1.0-gpu", (string?)container["image"]);
        Assert.Equal("1", (string?)container["resources"]!["limits"]!["nvidia.com/gpu"]);
        Assert.Equal("2Gi", (string?)container["resources"]!["limits"]!["memory"]); // the stage's own resources are kept
        var environment = Manifests.Environment(container);
        Assert.Equal("cuda", (string?)environment["STREAMREC__Embedder__ExecutionProvider"]["value"]);
        Assert.Equal("false", (string?)environment["STREAMREC__Embedder__AllowCpuFallback"]["value"]);
        var pod = embedder["spec"]!["template"]!["spec"]!;
        Assert.Equal("true", (string?)pod["nodeSelector"]!["nvidia.com/gpu.present"]);
        Assert.Contains(pod["tolerations"]!.AsArray(), t => (string?)t!["key"] == "nvidia.com/gpu" && (string?)t["effect"] == "NoSchedule");
        Assert.Equal("2", (string?)embedder["spec"]!["replicas"]);

        foreach (var other in manifests.OfKind("Deployment").Where(d => d != embedder))
        {
            var c = Manifests.Container(other);
            Assert.Equal("streamrec/streamrec:0.1.0", (string?)c["image"]);
            Assert.Null(c["resources"]!["limits"]!["nvidia.com/gpu"]);
            Assert.DoesNotContain("STREAMREC__Embedder__ExecutionProvider", Manifests.Environment(c).Keys);
            Assert.Null(other["spec"]!["template"]!["spec"]!["tolerations"]);
        }

        Assert.Equal("1024", manifests.AppSettings()["Embedder"]!["MaxBatchSize"]!.ToString());
        Assert.Equal("/models/encoder-2027-01.onnx", (string?)manifests.AppSettings()["Embedder"]!["ModelPath"]);
        Assert.Contains(container["volumeMounts"]!.AsArray(), m => (string?)m!["name"] == "models" && (string?)m["mountPath"] == "/models");
        Assert.Contains(pod["volumes"]!.AsArray(), v => (string?)v!["persistentVolumeClaim"]?["claimName"] == "streamrec-models");
    }

    [Fact]
    public async Task KEDA_scales_each_stage_on_its_own_consumer_group_and_topic_capped_at_the_partitions_with_the_workers_Secrets()
    {
        var manifests = await ChartTools.RenderAsync(ChartVariant.Keda);

        var scaled = manifests.OfKind("ScaledObject").ToDictionary(Manifests.Name);
        Assert.Equal(4, scaled.Count);
        (string Name, string Group, string Topic, string Max, string Min)[] expected =
        [
            ("ingest", "streamrec-ingest", "streamrec.events.raw", "12", "1"), // maxReplicas 24 capped at 12 partitions
            ("embedder", "streamrec-embedder", "shop.events.clean", "8", "0"), // topic from config.Kafka.Topics.Clean
            ("drift-detector", "shop-drift", "streamrec.events.embedded", "8", "1"), // group from config.DriftDetector.GroupId
            ("recommender", "streamrec-recommender", "streamrec.mutations", "4", "1"), // maxReplicas 6 capped at 4
        ];
        foreach (var (name, group, topic, max, min) in expected)
        {
            var spec = scaled[$"{Prefix}-{name}"]["spec"]!;
            Assert.Equal($"{Prefix}-{name}", (string?)spec["scaleTargetRef"]!["name"]);
            Assert.Equal(max, (string?)spec["maxReplicaCount"]);
            Assert.Equal(min, (string?)spec["minReplicaCount"]);
            var trigger = Assert.Single(spec["triggers"]!.AsArray())!;
            Assert.Equal("kafka", (string?)trigger["type"]);
            var metadata = trigger["metadata"]!;
            Assert.Equal(group, (string?)metadata["consumerGroup"]);
            Assert.Equal(topic, (string?)metadata["topic"]);
            Assert.Equal("kafka-0.kafka:9093,kafka-1.kafka:9093", (string?)metadata["bootstrapServers"]);
            Assert.Equal("false", (string?)metadata["allowIdleConsumers"]);
            Assert.Equal("scram_sha512", (string?)metadata["sasl"]);
            Assert.Equal("enable", (string?)metadata["tls"]);
            Assert.Equal($"{Prefix}-kafka", (string?)trigger["authenticationRef"]!["name"]);
            Assert.Null(manifests.Single("Deployment", $"{Prefix}-{name}")["spec"]!["replicas"]); // KEDA owns the count
        }

        var authentication = manifests.Single("TriggerAuthentication", $"{Prefix}-kafka");
        var references = authentication["spec"]!["secretTargetRef"]!.AsArray()
            .ToDictionary(r => (string)r!["parameter"]!, r => ((string?)r!["name"], (string?)r["key"]));
        Assert.Equal(new Dictionary<string, (string?, string?)>
        {
            ["username"] = ("kafka-credentials", "username"), ["password"] = ("kafka-credentials", "password"), ["ca"] = ("kafka-ca", "ca.crt"),
        }, references);

        // The workers read the same Secrets.
        var environment = Manifests.Environment(Manifests.Container(manifests.Single("Deployment", $"{Prefix}-embedder")));
        Assert.Equal("kafka-credentials", (string?)environment["STREAMREC__Kafka__Client__sasl.password"]["valueFrom"]!["secretKeyRef"]!["name"]);
    }

    [Fact]
    public async Task Existing_Secrets_are_referenced_by_name_and_the_TLS_files_are_mounted_where_the_configuration_points()
    {
        var manifests = await ChartTools.RenderAsync(ChartVariant.ExistingSecrets);

        foreach (var deployment in manifests.OfKind("Deployment"))
        {
            var name = Manifests.Name(deployment);
            var container = Manifests.Container(deployment);
            var environment = Manifests.Environment(container);
            string? Reference(string variable) => environment.TryGetValue(variable, out var e)
                ? $"{e["valueFrom"]!["secretKeyRef"]!["name"]}/{e["valueFrom"]!["secretKeyRef"]!["key"]}" : null;

            Assert.Equal(name.EndsWith("-ingest", StringComparison.Ordinal) ? "streamrec-hmac/hmac-key" : null, Reference("STREAMREC__Ingest__PseudonymKey"));
            Assert.Equal(name.EndsWith("-ingest", StringComparison.Ordinal) ? null : "redis-auth/redis-password", Reference("STREAMREC__Redis__Password"));
            Assert.Equal("kafka-user-streamrec/user", Reference("STREAMREC__Kafka__Client__sasl.username"));
            Assert.Equal("kafka-user-streamrec/pass", Reference("STREAMREC__Kafka__Client__sasl.password"));

            var mount = Assert.Single(container["volumeMounts"]!.AsArray(), m => (string?)m!["name"] == "kafka-tls")!;
            Assert.Equal("/etc/streamrec/kafka-tls", (string?)mount["mountPath"]);
            var volume = Assert.Single(deployment["spec"]!["template"]!["spec"]!["volumes"]!.AsArray(), v => (string?)v!["name"] == "kafka-tls")!;
            Assert.Equal("kafka-tls", (string?)volume["secret"]!["secretName"]);
        }

        var client = manifests.AppSettings()["Kafka"]!["Client"]!;
        Assert.Equal("/etc/streamrec/kafka-tls/ca.crt", (string?)client["ssl.ca.location"]);
        Assert.Equal("/etc/streamrec/kafka-tls/tls.crt", (string?)client["ssl.certificate.location"]);
        Assert.Equal("/etc/streamrec/kafka-tls/tls.key", (string?)client["ssl.key.location"]);
        Assert.Equal("SASL_SSL", (string?)client["security.protocol"]);
        Assert.Equal("true", manifests.AppSettings()["Redis"]!["Tls"]!.ToString());
    }

    [Fact]
    public async Task All_in_one_runs_every_stage_in_one_Deployment_scaled_by_an_HPA_capped_at_the_partitions()
    {
        var manifests = await ChartTools.RenderAsync(ChartVariant.AllInOne);

        var deployment = Assert.Single(manifests.OfKind("Deployment"));
        Assert.Equal($"{Prefix}-all", Manifests.Name(deployment));
        var container = Manifests.Container(deployment);
        Assert.Equal(new[] { "run", "--stages", "ingest,embed,drift,recommend", "--config", "/etc/streamrec/config/appsettings.json" }, Manifests.Arguments(container));
        Assert.Contains("STREAMREC__Ingest__PseudonymKey", Manifests.Environment(container).Keys);
        Assert.Null(deployment["spec"]!["replicas"]);
        var hpa = manifests.Single("HorizontalPodAutoscaler", $"{Prefix}-all")["spec"]!;
        Assert.Equal("2", (string?)hpa["minReplicas"]);
        Assert.Equal("4", (string?)hpa["maxReplicas"]);
        Assert.Equal("all", (string?)Assert.Single(manifests.OfKind("Service"))["spec"]!["selector"]!["app.kubernetes.io/component"]);

        var capped = await ChartTools.RenderAsync(ChartVariant.AllInOne, "allInOne.partitions=3", "allInOne.autoscaling.maxReplicas=10");
        Assert.Equal("3", (string?)capped.Single("HorizontalPodAutoscaler", $"{Prefix}-all")["spec"]!["maxReplicas"]);

        var withoutIngest = await ChartTools.RenderAsync(ChartVariant.AllInOne, "ingest.enabled=false");
        var arguments = Manifests.Arguments(Manifests.Container(Assert.Single(withoutIngest.OfKind("Deployment"))));
        Assert.Equal("embed,drift,recommend", arguments[2]);
    }

    [Fact]
    public async Task A_disabled_stage_has_no_objects()
    {
        var manifests = await ChartTools.RenderAsync(ChartVariant.ServiceMonitor, "recommender.enabled=false", "ingest.enabled=false");

        Assert.Equal(new[] { $"{Prefix}-embedder", $"{Prefix}-drift-detector" }, manifests.OfKind("Deployment").Select(Manifests.Name));
        Assert.Equal(2, manifests.OfKind("Service").Count());
        Assert.Equal(2, manifests.OfKind("PodDisruptionBudget").Count());
    }

    [Fact]
    public async Task Configuration_values_reach_the_container_and_a_change_of_them_rolls_the_pods()
    {
        var before = await ChartTools.RenderAsync(ChartVariant.Default);
        var after = await ChartTools.RenderAsync(ChartVariant.Default,
            "config.Recommender.TopK=7", "config.Observability.Port=9500",
            "extraEnv[0].name=STREAMREC__Logging__LogLevel__Default", "extraEnv[0].value=Warning",
            "driftDetector.env[0].name=STREAMREC__DriftDetector__RecentItems", "driftDetector.env[0].value=20");

        Assert.Equal("7", after.AppSettings()["Recommender"]!["TopK"]!.ToString());
        foreach (var deployment in after.OfKind("Deployment"))
        {
            var container = Manifests.Container(deployment);
            var environment = Manifests.Environment(container);
            Assert.Equal("Warning", (string?)environment["STREAMREC__Logging__LogLevel__Default"]["value"]);
            Assert.Equal(Manifests.Name(deployment).EndsWith("-drift-detector", StringComparison.Ordinal), environment.ContainsKey("STREAMREC__DriftDetector__RecentItems"));
            Assert.Equal("9500", (string?)container["ports"]![0]!["containerPort"]); // the port the worker listens on is the probes' and the Service's
            Assert.Equal("metrics", (string?)container["livenessProbe"]!["httpGet"]!["port"]);
        }

        Assert.All(after.OfKind("Service"), s => Assert.Equal("9500", (string?)s["spec"]!["ports"]![0]!["port"]));
        static string Checksum(Manifests m) => (string)m.Single("Deployment", $"{Prefix}-ingest")["spec"]!["template"]!["metadata"]!["annotations"]!["checksum/config"]!;
        Assert.NotEqual(Checksum(before), Checksum(after));
        Assert.Equal(Checksum(before), Checksum(await ChartTools.RenderAsync(ChartVariant.Default))); // and only a change does
        Assert.Equal(Checksum(before), Checksum(await ChartTools.RenderAsync(ChartVariant.Default, "ingest.replicas=2")));
    }

    public static TheoryData<string[], string> Refusals => new()
    {
        { ["ingest.replicas=9"], "ingest.replicas (9) is more than ingest.partitions (8)" },
        { ["embedder.autoscaling.enabled=true", "embedder.keda.enabled=true"], "embedder: autoscaling.enabled and keda.enabled are both true" },
        { ["recommender.keda.enabled=true", "config.Recommender.Trigger=schedule"], "the recommender consumes no topic" },
        { ["ingest.enabled=false", "embedder.enabled=false", "driftDetector.enabled=false", "recommender.enabled=false"], "no stage is enabled" },
        { ["secrets.pseudonymKey.existingSecret="], "secrets.pseudonymKey.existingSecret is required" },
        { ["allInOne.enabled=true", "allInOne.gpu.enabled=true", "embedder.enabled=false"], "allInOne.gpu.enabled needs embedder.enabled" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Values_that_do_not_fit_together_are_refused_with_a_message_saying_what_to_change(string[] sets, string message)
    {
        var run = await ChartTools.TryRenderAsync([], sets);

        Assert.False(run.Succeeded, $"rendering with {string.Join(' ', sets)} should fail:\n{run.Describe()}");
        Assert.Contains(message, run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_rendering_is_deterministic()
    {
        var first = await ChartTools.RenderAsync(ChartVariant.Keda);
        var second = await ChartTools.RenderAsync(ChartVariant.Keda);

        Assert.Equal(first.Yaml, second.Yaml);
        Assert.Equal(JsonNode.Parse(first.AppSettings().ToJsonString())!.ToJsonString(), second.AppSettings().ToJsonString());
    }
}
