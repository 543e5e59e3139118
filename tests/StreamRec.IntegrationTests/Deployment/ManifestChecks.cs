using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace StreamRec.IntegrationTests.Deployment;

/// <summary>
/// Structural rules every rendering of the chart must follow, beyond what the Kubernetes schemas check:
/// the objects fit together (selectors select the pods, references name objects that exist), every
/// worker is probed, sized and locked down, secrets are referenced and never inlined, and the
/// configuration reaches the container. <see cref="Check"/> returns one line per broken rule, naming
/// the object; an empty list means the rendering is sound.
/// </summary>
public static partial class ManifestChecks
{
    private static readonly string[] Sections = ["Kafka", "Redis", "Ingest", "Embedder", "DriftDetector", "Recommender", "Topology", "Observability", "Logging"];

    private static readonly string[] StageNames = ["ingest", "embed", "drift", "recommend"];

    public static IReadOnlyList<string> Check(Manifests manifests)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        var problems = new List<string>();
        var deployments = manifests.OfKind("Deployment").ToList();
        if (deployments.Count == 0)
        {
            problems.Add("no Deployment was rendered");
        }

        foreach (var deployment in deployments)
        {
            CheckDeployment(manifests, deployment, problems);
        }

        CheckSelectors(manifests, deployments, problems);
        CheckScaleTargets(manifests, deployments, problems);
        CheckSecretsAreReferenced(manifests, problems);
        return problems;
    }

    private static void CheckDeployment(Manifests manifests, JsonObject deployment, List<string> problems)
    {
        var name = $"Deployment {Manifests.Name(deployment)}";
        var pod = deployment["spec"]?["template"]?.AsObject();
        var podSpec = pod?["spec"]?.AsObject();
        if (pod is null || podSpec is null)
        {
            problems.Add($"{name}: no pod template");
            return;
        }

        if (!IsSubset(deployment["spec"]?["selector"]?["matchLabels"], pod["metadata"]?["labels"]))
        {
            problems.Add($"{name}: spec.selector.matchLabels {Json(deployment["spec"]?["selector"])} does not match the pod labels {Json(pod["metadata"]?["labels"])}");
        }

        if (pod["metadata"]?["annotations"]?["checksum/config"] is null)
        {
            problems.Add($"{name}: no checksum/config annotation on the pod template (a configuration change would not roll the pods)");
        }

        var podSecurity = podSpec["securityContext"]?.AsObject();
        var containers = podSpec["containers"]?.AsArray() ?? [];
        if (containers.Count == 0)
        {
            problems.Add($"{name}: no container");
        }

        foreach (var container in containers.Select(c => c!.AsObject()))
        {
            var where = $"{name} container {container["name"]}";
            var ports = (container["ports"]?.AsArray() ?? []).Select(p => (string?)p!["name"]).ToHashSet();
            CheckProbe(container, "livenessProbe", "/healthz", ports, where, problems);
            CheckProbe(container, "readinessProbe", "/readyz", ports, where, problems);

            var resources = container["resources"];
            foreach (var (group, resource) in new[] { ("requests", "cpu"), ("requests", "memory"), ("limits", "memory") })
            {
                if (resources?[group]?[resource] is null)
                {
                    problems.Add($"{where}: no resources.{group}.{resource}");
                }
            }

            var security = container["securityContext"]?.AsObject();
            if (!IsTrue(security?["runAsNonRoot"]) && !IsTrue(podSecurity?["runAsNonRoot"]))
            {
                problems.Add($"{where}: runAsNonRoot is not true");
            }

            if (!IsTrue(security?["readOnlyRootFilesystem"]))
            {
                problems.Add($"{where}: readOnlyRootFilesystem is not true");
            }

            if (!IsFalse(security?["allowPrivilegeEscalation"]))
            {
                problems.Add($"{where}: allowPrivilegeEscalation is not false");
            }

            if (IsTrue(security?["privileged"]))
            {
                problems.Add($"{where}: privileged");
            }

            if (!(security?["capabilities"]?["drop"]?.AsArray() ?? []).Any(c => (string?)c == "ALL"))
            {
                problems.Add($"{where}: capabilities.drop does not contain ALL");
            }

            if ((string?)(security?["seccompProfile"] ?? podSecurity?["seccompProfile"])?["type"] is not ("RuntimeDefault" or "Localhost"))
            {
                problems.Add($"{where}: no RuntimeDefault seccomp profile");
            }

            CheckArgumentsAndConfiguration(manifests, podSpec, container, where, problems);
            CheckMounts(podSpec, container, where, problems);
        }
    }

    private static void CheckProbe(JsonObject container, string probe, string path, HashSet<string?> ports, string where, List<string> problems)
    {
        var get = container[probe]?["httpGet"];
        if (get is null)
        {
            problems.Add($"{where}: no {probe} (httpGet {path})");
            return;
        }

        if ((string?)get["path"] != path)
        {
            problems.Add($"{where}: {probe} checks {get["path"]}, not {path}");
        }

        var port = (string?)get["port"];
        if (port is null || (!ports.Contains(port) && !int.TryParse(port, out _)))
        {
            problems.Add($"{where}: {probe} port {port} is not a port of the container");
        }
    }

    /// <summary>
    /// <c>streamrec run --stages ... --config FILE</c>, where FILE is appsettings.json of a ConfigMap the
    /// pod mounts, and that file holds only StreamRec's sections (the worker rejects any other).
    /// </summary>
    private static void CheckArgumentsAndConfiguration(Manifests manifests, JsonObject podSpec, JsonObject container, string where, List<string> problems)
    {
        var arguments = Manifests.Arguments(container);
        if (arguments.Count < 3 || arguments[0] != "run" || arguments[1] != "--stages"
            || arguments[2].Split(',').Any(s => !StageNames.Contains(s)))
        {
            problems.Add($"{where}: arguments [{string.Join(' ', arguments)}] are not `run --stages <ingest,embed,drift,recommend subset>`");
            return;
        }

        var config = arguments.IndexOf("--config");
        if (config < 0 || config + 1 >= arguments.Count)
        {
            problems.Add($"{where}: no --config argument: the ConfigMap's settings would not be read");
            return;
        }

        var file = arguments[config + 1];
        var mount = (container["volumeMounts"]?.AsArray() ?? []).Select(m => m!.AsObject())
            .FirstOrDefault(m => (string?)m["mountPath"] + "/" + Path.GetFileName(file) == file);
        var volume = mount is null ? null : (podSpec["volumes"]?.AsArray() ?? []).Select(v => v!.AsObject())
            .FirstOrDefault(v => (string?)v["name"] == (string?)mount["name"]);
        var mapName = (string?)volume?["configMap"]?["name"];
        var map = mapName is null ? null : manifests.OfKind("ConfigMap").FirstOrDefault(c => Manifests.Name(c) == mapName);
        var content = (string?)map?["data"]?[Path.GetFileName(file)];
        if (content is null)
        {
            problems.Add($"{where}: --config {file} is not a file of a rendered ConfigMap mounted in the pod");
            return;
        }

        try
        {
            var sections = JsonNode.Parse(content)!.AsObject().Select(p => p.Key).ToList();
            foreach (var unknown in sections.Where(s => !Sections.Contains(s)))
            {
                problems.Add($"{where}: {file} has section {unknown}, which streamrec does not know (it would exit with code 2)");
            }
        }
        catch (JsonException e)
        {
            problems.Add($"{where}: {file} in ConfigMap {mapName} is not JSON: {e.Message}");
        }
    }

    /// <summary>A writable /tmp under the read-only root filesystem; every mount names a volume of the pod.</summary>
    private static void CheckMounts(JsonObject podSpec, JsonObject container, string where, List<string> problems)
    {
        var volumes = (podSpec["volumes"]?.AsArray() ?? []).Select(v => v!.AsObject()).ToDictionary(v => (string)v["name"]!, StringComparer.Ordinal);
        var mounts = (container["volumeMounts"]?.AsArray() ?? []).Select(m => m!.AsObject()).ToList();
        foreach (var mount in mounts.Where(m => !volumes.ContainsKey((string)m["name"]!)))
        {
            problems.Add($"{where}: volumeMount {mount["name"]} names no volume of the pod");
        }

        var tmp = mounts.FirstOrDefault(m => (string?)m["mountPath"] == "/tmp");
        if (tmp is null || !volumes.TryGetValue((string)tmp["name"]!, out var volume) || volume["emptyDir"] is null)
        {
            problems.Add($"{where}: no emptyDir mounted at /tmp (the root filesystem is read-only)");
        }
    }

    /// <summary>Services, PodDisruptionBudgets and ServiceMonitors select what they are meant to.</summary>
    private static void CheckSelectors(Manifests manifests, List<JsonObject> deployments, List<string> problems)
    {
        var pods = deployments.Select(d => (Deployment: d, Labels: d["spec"]?["template"]?["metadata"]?["labels"],
            Ports: (d["spec"]?["template"]?["spec"]?["containers"]?.AsArray() ?? []).SelectMany(c => c!["ports"]?.AsArray() ?? []).Select(p => p!.AsObject()).ToList())).ToList();
        foreach (var service in manifests.OfKind("Service"))
        {
            var where = $"Service {Manifests.Name(service)}";
            var selected = pods.Where(p => IsSubset(service["spec"]?["selector"], p.Labels)).ToList();
            if (selected.Count != 1)
            {
                problems.Add($"{where}: selector {Json(service["spec"]?["selector"])} selects the pods of {selected.Count} Deployments, not 1");
                continue;
            }

            foreach (var port in service["spec"]?["ports"]?.AsArray() ?? [])
            {
                var target = (string?)port!["targetPort"];
                if (!selected[0].Ports.Any(p => (string?)p["name"] == target || (string?)p["containerPort"] == target))
                {
                    problems.Add($"{where}: targetPort {target} is not a port of Deployment {Manifests.Name(selected[0].Deployment)}'s pods");
                }
            }
        }

        foreach (var pdb in manifests.OfKind("PodDisruptionBudget"))
        {
            var count = pods.Count(p => IsSubset(pdb["spec"]?["selector"]?["matchLabels"], p.Labels));
            if (count != 1)
            {
                problems.Add($"PodDisruptionBudget {Manifests.Name(pdb)}: selects the pods of {count} Deployments, not 1");
            }
        }

        var services = manifests.OfKind("Service").ToList();
        foreach (var monitor in manifests.OfKind("ServiceMonitor"))
        {
            var selected = services.Where(s => IsSubset(monitor["spec"]?["selector"]?["matchLabels"], s["metadata"]?["labels"])).ToList();
            if (selected.Count != services.Count || selected.Count == 0)
            {
                problems.Add($"ServiceMonitor {Manifests.Name(monitor)}: selects {selected.Count} of the {services.Count} metrics Services");
            }

            foreach (var endpoint in monitor["spec"]?["endpoints"]?.AsArray() ?? [])
            {
                var port = (string?)endpoint!["port"];
                foreach (var service in selected.Where(s => !(s["spec"]?["ports"]?.AsArray() ?? []).Any(p => (string?)p!["name"] == port)))
                {
                    problems.Add($"ServiceMonitor {Manifests.Name(monitor)}: endpoint port {port} is not a port of Service {Manifests.Name(service)}");
                }
            }
        }
    }

    /// <summary>Autoscalers name a rendered Deployment, and at most one autoscaler drives each.</summary>
    private static void CheckScaleTargets(Manifests manifests, List<JsonObject> deployments, List<string> problems)
    {
        var names = deployments.Select(Manifests.Name).ToHashSet(StringComparer.Ordinal);
        var scalers = manifests.OfKind("HorizontalPodAutoscaler").Concat(manifests.OfKind("ScaledObject")).ToList();
        foreach (var scaler in scalers)
        {
            var target = (string?)scaler["spec"]?["scaleTargetRef"]?["name"];
            if (target is null || !names.Contains(target))
            {
                problems.Add($"{scaler["kind"]} {Manifests.Name(scaler)}: scaleTargetRef {target} is not a rendered Deployment");
            }
        }

        foreach (var twice in scalers.GroupBy(s => (string?)s["spec"]?["scaleTargetRef"]?["name"]).Where(g => g.Count() > 1))
        {
            problems.Add($"Deployment {twice.Key} is scaled by {twice.Count()} autoscalers");
        }

        foreach (var scaler in scalers)
        {
            var target = deployments.FirstOrDefault(d => Manifests.Name(d) == (string?)scaler["spec"]?["scaleTargetRef"]?["name"]);
            if (target?["spec"]?["replicas"] is not null)
            {
                problems.Add($"Deployment {Manifests.Name(target)} sets spec.replicas although {scaler["kind"]} {Manifests.Name(scaler)} scales it (every upgrade would reset the count)");
            }
        }
    }

    /// <summary>
    /// No Secret is rendered and no secret value is written anywhere: environment variables that carry
    /// one come from a secretKeyRef, and the ConfigMap holds no secret key.
    /// </summary>
    private static void CheckSecretsAreReferenced(Manifests manifests, List<string> problems)
    {
        foreach (var secret in manifests.OfKind("Secret"))
        {
            problems.Add($"Secret {Manifests.Name(secret)} is rendered: secrets must come from existing Secrets, by name");
        }

        foreach (var deployment in manifests.OfKind("Deployment"))
        {
            foreach (var container in deployment["spec"]?["template"]?["spec"]?["containers"]?.AsArray() ?? [])
            {
                foreach (var (name, entry) in Manifests.Environment(container!.AsObject()).Where(e => SecretName().IsMatch(e.Key)))
                {
                    if (entry["value"] is not null || entry["valueFrom"]?["secretKeyRef"]?["name"] is null)
                    {
                        problems.Add($"Deployment {Manifests.Name(deployment)}: environment variable {name} carries a secret but is not a secretKeyRef");
                    }
                }
            }
        }

        foreach (var map in manifests.OfKind("ConfigMap"))
        {
            // The API server refuses a ConfigMap over 1 MiB (the dashboard is the big one).
            var size = (map["data"]?.AsObject() ?? []).Sum(d => System.Text.Encoding.UTF8.GetByteCount(d.Key) + System.Text.Encoding.UTF8.GetByteCount((string?)d.Value ?? ""));
            if (size > 1 << 20)
            {
                problems.Add($"ConfigMap {Manifests.Name(map)}: {size} bytes of data, over the API server's 1 MiB limit");
            }

            foreach (var (file, content) in map["data"]?.AsObject() ?? [])
            {
                var text = (string?)content ?? "";
                foreach (var key in new[] { "PseudonymKey", "\"Password\"", "sasl.password", "ssl.key.password", "BEGIN PRIVATE KEY", "BEGIN RSA PRIVATE KEY" })
                {
                    if (text.Contains(key, StringComparison.OrdinalIgnoreCase))
                    {
                        problems.Add($"ConfigMap {Manifests.Name(map)}: {file} contains {key}: a secret is inlined");
                    }
                }
            }
        }
    }

    [GeneratedRegex("PseudonymKey|Password|sasl\\.username|secret|token", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    private static bool IsSubset(JsonNode? selector, JsonNode? labels)
    {
        var wanted = selector?.AsObject();
        var have = labels?.AsObject();
        return wanted is { Count: > 0 } && have is not null
            && wanted.All(l => (string?)have[l.Key] is { } value && value == (string?)l.Value);
    }

    private static bool IsTrue(JsonNode? node) => (string?)node == "true";

    private static bool IsFalse(JsonNode? node) => (string?)node == "false";

    private static string Json(JsonNode? node) => node?.ToJsonString() ?? "null";
}
