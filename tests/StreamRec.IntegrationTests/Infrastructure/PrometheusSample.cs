namespace StreamRec.IntegrationTests.Infrastructure;

/// <summary>One element of an instant query's result: the series' labels and its value (NaN included, as Prometheus returns it).</summary>
public sealed record PrometheusSample(IReadOnlyDictionary<string, string> Labels, double Value)
{
    public override string ToString() =>
        "{" + string.Join(", ", Labels.Select(l => $"{l.Key}=\"{l.Value}\"")) + "} " + Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
