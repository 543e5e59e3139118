namespace StreamRec.Cli.Hosting;

/// <summary>The stages one <c>streamrec run</c> process hosts: any non-empty subset of the four, in pipeline order.</summary>
public sealed record StageSelection(bool Ingest, bool Embed, bool Drift, bool Recommend)
{
    public static IReadOnlyList<string> Names { get; } = ["ingest", "embed", "drift", "recommend"];

    /// <summary>Every stage but Ingest keeps something in Redis (item vectors, user state, privacy ledger).</summary>
    public bool NeedsRedis => Embed || Drift || Recommend;

    /// <exception cref="ConfigurationException">An unknown or repeated stage name, or none.</exception>
    public static StageSelection Parse(string value)
    {
        var names = (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToLowerInvariant()).ToList();
        var unknown = names.Where(n => !Names.Contains(n)).ToList();
        if (names.Count == 0 || unknown.Count > 0)
        {
            throw new ConfigurationException(
                $"--stages: {(names.Count == 0 ? "no stage given" : "unknown stage(s) " + string.Join(", ", unknown))}; choose from {string.Join(",", Names)}.");
        }

        if (names.Distinct().Count() != names.Count)
        {
            throw new ConfigurationException($"--stages: a stage is named twice ({value}).");
        }

        return new StageSelection(names.Contains("ingest"), names.Contains("embed"), names.Contains("drift"), names.Contains("recommend"));
    }

    public override string ToString() =>
        string.Join(",", Names.Where((_, i) => new[] { Ingest, Embed, Drift, Recommend }[i]));
}
