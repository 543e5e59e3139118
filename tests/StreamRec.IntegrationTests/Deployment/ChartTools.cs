using StreamRec.TestSupport;
using StreamRec.IntegrationTests.Infrastructure;

namespace StreamRec.IntegrationTests.Deployment;

/// <summary>
/// The offline tools the deployment tests drive, all real programs: the chart renderer
/// (<c>tools/helm-render</c>, Helm's template engine and functions; built once per test run), the
/// Kubernetes schema validator (<c>tools/k8s-validate/validate-manifests.mjs</c>, npm kubernetes-models),
/// the values-schema validator (<c>validate-values.mjs</c>, ajv) and yamllint. scripts/setup.sh
/// installs what they need.
/// </summary>
public static class ChartTools
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static readonly Lazy<Task<string>> Renderer = new(BuildRendererAsync);

    public static string ChartDirectory { get; } = RepositoryFiles.Path("deploy", "helm", "streamrec");

    public static string ValidatorDirectory { get; } = RepositoryFiles.Path("tools", "k8s-validate");

    /// <summary>The renderer's binary, built on first use (tools/helm-render/build.sh rebuilds only when its sources changed).</summary>
    public static Task<string> RendererAsync() => Renderer.Value;

    /// <summary>Renders the chart (<paramref name="chart"/> defaults to the repository's); with <paramref name="notes"/>, NOTES.txt follows the manifests.</summary>
    public static async Task<ToolRun> TryRenderAsync(IEnumerable<string> valuesFiles, IEnumerable<string> sets, string? chart = null, bool notes = false)
    {
        var renderer = await RendererAsync();
        List<string> arguments = ["--chart", chart ?? ChartDirectory, "--release", ChartVariant.Release, "--namespace", ChartVariant.Namespace];
        foreach (var file in valuesFiles)
        {
            arguments.AddRange(["--values", file]);
        }

        foreach (var set in sets)
        {
            arguments.AddRange(["--set", set]);
        }

        if (notes)
        {
            arguments.Add("--notes");
        }

        return await RunAsync(renderer, null, arguments);
    }

    /// <summary>Renders a variant, with extra <c>--set</c> overrides; fails the test if rendering fails.</summary>
    public static async Task<Manifests> RenderAsync(ChartVariant variant, params string[] sets)
    {
        var run = await TryRenderAsync(variant.ValuesFiles, [.. variant.Sets, .. sets]);
        Assert.True(run.Succeeded, $"rendering variant {variant.Name} failed:\n{run.Describe()}");
        return Manifests.Parse(run.StandardOutput);
    }

    /// <summary>validate-manifests.mjs: every document against the Kubernetes JSON schemas.</summary>
    public static Task<ToolRun> ValidateManifestsAsync(string yaml) =>
        RunAsync("node", yaml, [Path.Combine(ValidatorDirectory, "validate-manifests.mjs")]);

    /// <summary>validate-values.mjs: a values file against a JSON schema, with ajv.</summary>
    public static Task<ToolRun> ValidateValuesAsync(string valuesFile, string? schema = null) =>
        RunAsync("node", null, [Path.Combine(ValidatorDirectory, "validate-values.mjs"), schema ?? Path.Combine(ChartDirectory, "values.schema.json"), valuesFile]);

    /// <summary>yamllint with the project's configuration for rendered manifests.</summary>
    public static async Task<ToolRun> YamllintAsync(string yaml)
    {
        var file = Path.Combine(Path.GetTempPath(), $"streamrec-rendered-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        try
        {
            return await RunAsync("yamllint", null, ["-f", "parsable", "-c", Path.Combine(ValidatorDirectory, "yamllint.yaml"), file]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static async Task<ToolRun> RunAsync(string program, string? standardInput, IReadOnlyList<string> arguments)
    {
        var command = $"{program} {string.Join(' ', arguments)}";
        using var process = await ExternalProcess.RunAsync(program, standardInput, Timeout, [.. arguments]);
        return new ToolRun(command, process.ExitCode, process.StandardOutput, process.StandardError);
    }

    private static async Task<string> BuildRendererAsync()
    {
        var build = await RunAsync("bash", null, [RepositoryFiles.Path("tools", "helm-render", "build.sh")]);
        Assert.True(build.Succeeded, $"building the chart renderer failed (scripts/setup.sh installs Go and its libraries):\n{build.Describe()}");
        var binary = build.StandardOutput.Trim().Split('\n')[^1].Trim();
        Assert.True(File.Exists(binary), $"the renderer build printed '{binary}', which does not exist:\n{build.Describe()}");
        return binary;
    }
}
