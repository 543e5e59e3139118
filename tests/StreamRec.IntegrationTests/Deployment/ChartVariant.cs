namespace StreamRec.IntegrationTests.Deployment;

/// <summary>
/// One way of installing the chart: its values files (the chart's own <c>ci/*-values.yaml</c>, examples
/// an operator can start from) and <c>--set</c> overrides. Every test renders every variant.
/// </summary>
public sealed record ChartVariant(string Name, IReadOnlyList<string> ValuesFiles, IReadOnlyList<string> Sets)
{
    public const string Release = "demo";

    public const string Namespace = "streamrec";

    /// <summary>The full name prefix of the release's objects (release "demo" + chart "streamrec").</summary>
    public const string FullName = "demo-streamrec";

    public static ChartVariant Default { get; } = new("default", [], []);

    public static ChartVariant Gpu { get; } = FromCi("gpu");

    public static ChartVariant Keda { get; } = FromCi("keda");

    public static ChartVariant ServiceMonitor { get; } = FromCi("servicemonitor");

    public static ChartVariant ExistingSecrets { get; } = FromCi("existing-secrets");

    public static ChartVariant AllInOne { get; } = FromCi("all-in-one");

    public static ChartVariant RedisCluster { get; } = FromCi("redis-cluster");

    public static IReadOnlyList<ChartVariant> All { get; } = [Default, Gpu, Keda, ServiceMonitor, ExistingSecrets, AllInOne, RedisCluster];

    /// <summary>xunit theory data: the variants' names.</summary>
    public static TheoryData<string> Names => [.. All.Select(v => v.Name)];

    public static ChartVariant Named(string name) => All.Single(v => v.Name == name);

    private static ChartVariant FromCi(string name) =>
        new(name, [Path.Combine(ChartTools.ChartDirectory, "ci", $"{name}-values.yaml")], []);

    public override string ToString() => Name;
}
