using System.Text.Json.Nodes;

namespace StreamRec.IntegrationTests.Deployment;

/// <summary>
/// Every variant of deploy/helm/streamrec renders, validates against the Kubernetes JSON schemas
/// (kubernetes-models), passes yamllint and the structural rules of <see cref="ManifestChecks"/>; and
/// each of those checks rejects a manifest broken on purpose, so a pass means something.
/// </summary>
public sealed class ChartRenderingTests
{
    [Theory]
    [MemberData(nameof(ChartVariant.Names), MemberType = typeof(ChartVariant))]
    public async Task Every_manifest_of_the_variant_validates_against_the_Kubernetes_schemas(string variant)
    {
        var manifests = await ChartTools.RenderAsync(ChartVariant.Named(variant));

        var validation = await ChartTools.ValidateManifestsAsync(manifests.Yaml);

        Assert.True(validation.Succeeded, validation.Describe());
        Assert.NotEmpty(manifests.OfKind("Deployment"));
    }

    [Theory]
    [MemberData(nameof(ChartVariant.Names), MemberType = typeof(ChartVariant))]
    public async Task The_rendered_variant_passes_yamllint(string variant)
    {
        var manifests = await ChartTools.RenderAsync(ChartVariant.Named(variant));

        var lint = await ChartTools.YamllintAsync(manifests.Yaml);

        Assert.True(lint.Succeeded, lint.Describe());
    }

    [Fact]
    public async Task The_charts_own_YAML_files_pass_yamllint()
    {
        var files = new[] { "Chart.yaml", "values.yaml" }.Select(f => Path.Combine(ChartTools.ChartDirectory, f))
            .Concat(Directory.GetFiles(Path.Combine(ChartTools.ChartDirectory, "ci"), "*.yaml"));

        foreach (var file in files)
        {
            var lint = await ChartTools.YamllintAsync(await File.ReadAllTextAsync(file));
            Assert.True(lint.Succeeded, $"{file}:\n{lint.Describe()}");
        }
    }

    [Theory]
    [MemberData(nameof(ChartVariant.Names), MemberType = typeof(ChartVariant))]
    public async Task The_rendered_variant_passes_the_structural_checks(string variant)
    {
        var manifests = await ChartTools.RenderAsync(ChartVariant.Named(variant));

        var problems = ManifestChecks.Check(manifests);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Each break, applied to the GPU variant (the one with the most moving parts), and what the report must say.</summary>
    public static TheoryData<string, string> Breaks => new()
    {
        { "selector", "does not match the pod labels" },
        { "service-selector", "selects the pods of 0 Deployments" },
        { "liveness", "no livenessProbe" },
        { "readiness-path", "readinessProbe checks /healthz, not /readyz" },
        { "memory-limit", "no resources.limits.memory" },
        { "root-filesystem", "readOnlyRootFilesystem is not true" },
        { "privilege-escalation", "allowPrivilegeEscalation is not false" },
        { "capabilities", "capabilities.drop does not contain ALL" },
        { "inlined-secret", "STREAMREC__Ingest__PseudonymKey carries a secret but is not a secretKeyRef" },
        { "secret-object", "Secret leaked is rendered" },
        { "secret-in-config", "contains PseudonymKey: a secret is inlined" },
        { "config-not-mounted", "is not a file of a rendered ConfigMap mounted in the pod" },
        { "unknown-section", "has section Kafak, which streamrec does not know" },
        { "checksum", "no checksum/config annotation" },
        { "tmp", "no emptyDir mounted at /tmp" },
        { "huge-config-map", "over the API server's 1 MiB limit" },
    };

    [Theory]
    [MemberData(nameof(Breaks))]
    public async Task The_structural_checks_report_a_manifest_broken_on_purpose(string change, string expected)
    {
        var manifests = await ChartTools.RenderAsync(ChartVariant.Gpu);
        Assert.Empty(ManifestChecks.Check(manifests));

        var broken = manifests.With(objects => Break(objects, change));

        var problems = ManifestChecks.Check(broken);
        Assert.True(problems.Any(p => p.Contains(expected, StringComparison.Ordinal)),
            $"breaking '{change}' should be reported as '{expected}'; the checks said:\n{string.Join("\n", problems)}");
    }

    [Fact]
    public async Task Kubernetes_schema_validation_rejects_a_Deployment_of_the_wrong_shape()
    {
        var manifests = await ChartTools.RenderAsync(ChartVariant.Default);
        var yaml = manifests.Yaml.Replace("  replicas: 1\n", "  replicas: one\n", StringComparison.Ordinal)
            .Replace("          imagePullPolicy: IfNotPresent\n", "          imagePullPolicy: [IfNotPresent]\n", StringComparison.Ordinal);
        Assert.NotEqual(manifests.Yaml, yaml);

        var validation = await ChartTools.ValidateManifestsAsync(yaml);

        Assert.False(validation.Succeeded, $"a Deployment with replicas: one must be rejected:\n{validation.Describe()}");
        Assert.Contains("replicas", validation.StandardOutput + validation.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Yamllint_rejects_badly_formed_yaml()
    {
        var manifests = await ChartTools.RenderAsync(ChartVariant.Default);

        var lint = await ChartTools.YamllintAsync(manifests.Yaml + "metadata:\n  name: a\n  name: b   \n");

        Assert.False(lint.Succeeded, lint.Describe());
        Assert.Contains("duplicat", lint.StandardOutput, StringComparison.Ordinal);
    }

    private static void Break(List<JsonObject> objects, string change)
    {
        var deployment = objects.First(o => (string?)o["kind"] == "Deployment");
        var pod = deployment["spec"]!["template"]!.AsObject();
        var container = Manifests.Container(deployment);
        var security = container["securityContext"]!.AsObject();
        switch (change)
        {
            case "selector":
                deployment["spec"]!["selector"]!["matchLabels"]!["app.kubernetes.io/component"] = "elsewhere";
                break;
            case "service-selector":
                objects.First(o => (string?)o["kind"] == "Service")["spec"]!["selector"]!["app.kubernetes.io/component"] = "nothing";
                break;
            case "liveness":
                container.Remove("livenessProbe");
                break;
            case "readiness-path":
                container["readinessProbe"]!["httpGet"]!["path"] = "/healthz";
                break;
            case "memory-limit":
                container["resources"]!["limits"]!.AsObject().Remove("memory");
                break;
            case "root-filesystem":
                security["readOnlyRootFilesystem"] = "false";
                break;
            case "privilege-escalation":
                security.Remove("allowPrivilegeEscalation");
                break;
            case "capabilities":
                security["capabilities"] = new JsonObject { ["add"] = new JsonArray("NET_ADMIN") };
                break;
            case "inlined-secret":
                var entry = container["env"]!.AsArray().First(e => (string?)e!["name"] == "STREAMREC__Ingest__PseudonymKey")!.AsObject();
                entry.Remove("valueFrom");
                entry["value"] = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==";
                break;
            case "secret-object":
                objects.Add(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Secret", ["metadata"] = new JsonObject { ["name"] = "leaked" } });
                break;
            case "secret-in-config":
                SetAppSettings(objects, s => s["Ingest"] = new JsonObject { ["PseudonymKey"] = "c2VjcmV0" });
                break;
            case "config-not-mounted":
                container["volumeMounts"]!.AsArray().Remove(container["volumeMounts"]!.AsArray().First(m => (string?)m!["name"] == "config"));
                break;
            case "unknown-section":
                SetAppSettings(objects, s => s["Kafak"] = new JsonObject { ["BootstrapServers"] = "x:1" });
                break;
            case "checksum":
                pod["metadata"]!["annotations"]!.AsObject().Remove("checksum/config");
                break;
            case "tmp":
                container["volumeMounts"]!.AsArray().Remove(container["volumeMounts"]!.AsArray().First(m => (string?)m!["mountPath"] == "/tmp"));
                break;
            case "huge-config-map":
                objects.First(o => (string?)o["kind"] == "ConfigMap")["data"]!["big.json"] = new string('x', (1 << 20) + 1);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change, "no such break");
        }
    }

    private static void SetAppSettings(List<JsonObject> objects, Action<JsonObject> change)
    {
        var map = objects.First(o => (string?)o["kind"] == "ConfigMap" && Manifests.Name(o).EndsWith("-config", StringComparison.Ordinal));
        var settings = JsonNode.Parse((string)map["data"]!["appsettings.json"]!)!.AsObject();
        change(settings);
        map["data"]!["appsettings.json"] = settings.ToJsonString();
    }
}
