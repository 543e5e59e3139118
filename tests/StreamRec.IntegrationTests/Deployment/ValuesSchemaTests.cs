namespace StreamRec.IntegrationTests.Deployment;

/// <summary>
/// values.schema.json, applied with a real JSON Schema validator (ajv, through validate-values.mjs) as
/// Helm applies it before rendering: the chart's defaults and every variant pass; a wrong type, an
/// unknown key and a secret written into the values are each rejected, naming the offending path.
/// </summary>
public sealed class ValuesSchemaTests
{
    [Fact]
    public async Task The_default_values_file_validates()
    {
        var run = await ChartTools.ValidateValuesAsync(Path.Combine(ChartTools.ChartDirectory, "values.yaml"));

        Assert.True(run.Succeeded, run.Describe());
    }

    [Theory]
    [MemberData(nameof(ChartVariant.Names), MemberType = typeof(ChartVariant))]
    public async Task The_values_each_variant_renders_with_validate(string variant)
    {
        // What Helm validates: the chart's defaults coalesced with the variant's files and --set values.
        var values = await CoalescedAsync(ChartVariant.Named(variant));

        var run = await ValidateAsync(values);

        Assert.True(run.Succeeded, $"{run.Describe()}\n--- values ---\n{values}");
        foreach (var file in ChartVariant.Named(variant).ValuesFiles)
        {
            // No key is required, so an operator's override file can be checked on its own.
            var alone = await ChartTools.ValidateValuesAsync(file);
            Assert.True(alone.Succeeded, alone.Describe());
        }
    }

    public static TheoryData<string, string, string> Rejections => new()
    {
        { "wrong type: replicas as text", "ingest:\n  replicas: two\n", "/ingest/replicas" },
        { "wrong type: GPU switch as text", "embedder:\n  gpu:\n    enabled: \"yes\"\n", "/embedder/gpu/enabled" },
        { "wrong type: port as text", "config:\n  Observability:\n    Port: \"9400\"\n", "/config/Observability/Port" },
        { "wrong type: env as a map", "extraEnv:\n  LOG_LEVEL: debug\n", "/extraEnv" },
        { "unknown top-level key", "replicaCount: 3\n", "replicaCount" },
        { "mistyped top-level key", "serviceMonitors:\n  enabled: true\n", "serviceMonitors" },
        { "unknown key of a stage", "ingest:\n  replica: 2\n", "replica" },
        { "unknown configuration section", "config:\n  Kafak:\n    BootstrapServers: kafka:9092\n", "Kafak" },
        { "pseudonym key written into the values", "config:\n  Ingest:\n    PseudonymKey: c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0\n", "/config/Ingest/PseudonymKey" },
        { "Redis password written into the values", "config:\n  Redis:\n    Password: hunter2\n", "/config/Redis/Password" },
        { "SASL password written into the values", "config:\n  Kafka:\n    Client:\n      sasl.password: hunter2\n", "/config/Kafka/Client/sasl.password" },
        { "listening on loopback only (the probes could not reach it)", "config:\n  Observability:\n    ListenAddress: 127.0.0.1\n", "/config/Observability/ListenAddress" },
        { "unknown execution provider", "config:\n  Embedder:\n    ExecutionProvider: tensorrt\n", "/config/Embedder/ExecutionProvider" },
        { "a PDB with a bad maxUnavailable", "recommender:\n  pdb:\n    maxUnavailable: half\n", "/recommender/pdb/maxUnavailable" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task A_values_file_with_a_mistake_is_rejected_naming_where(string mistake, string valuesFile, string reported)
    {
        var file = Path.Combine(Path.GetTempPath(), $"streamrec-values-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, valuesFile);
        try
        {
            // Alone, and coalesced with the chart's defaults (as Helm checks it).
            var alone = await ChartTools.ValidateValuesAsync(file);
            var coalesced = await ValidateAsync(await CoalescedAsync(new ChartVariant(mistake, [file], [])));

            foreach (var run in new[] { alone, coalesced })
            {
                Assert.False(run.Succeeded, $"{mistake} should be rejected:\n{run.Describe()}");
                Assert.Contains(reported, run.StandardOutput + run.StandardError, StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<string> CoalescedAsync(ChartVariant variant)
    {
        var arguments = new List<string>();
        foreach (var file in variant.ValuesFiles)
        {
            arguments.AddRange(["--values", file]);
        }

        var run = await ChartTools.RunAsync(await ChartTools.RendererAsync(), null,
            ["--chart", ChartTools.ChartDirectory, "--print-values", .. arguments, .. variant.Sets.SelectMany(s => new[] { "--set", s })]);
        Assert.True(run.Succeeded, run.Describe());
        return run.StandardOutput;
    }

    private static Task<ToolRun> ValidateAsync(string values) =>
        ChartTools.RunAsync("node", values, [Path.Combine(ChartTools.ValidatorDirectory, "validate-values.mjs"), Path.Combine(ChartTools.ChartDirectory, "values.schema.json"), "-"]);
}
