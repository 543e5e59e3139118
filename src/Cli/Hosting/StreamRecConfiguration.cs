using Microsoft.Extensions.Configuration;

namespace StreamRec.Cli.Hosting;

/// <summary>
/// Where a worker's configuration comes from, later sources overriding earlier ones:
/// <list type="number">
/// <item><c>appsettings.json</c> in the working directory, or the file given by <c>--config</c>;</item>
/// <item>environment variables <c>STREAMREC__Section__Key</c> (what a Helm chart's env and Secrets set);</item>
/// <item>the command line, <c>--Section:Key=value</c> or <c>--Section:Key value</c>.</item>
/// </list>
/// Only the sections StreamRec knows are accepted: a mistyped section is reported like a mistyped key.
/// </summary>
public static class StreamRecConfiguration
{
    public const string EnvironmentPrefix = "STREAMREC__";

    public const string DefaultFile = "appsettings.json";

    /// <summary>Top-level sections: the stages', the clients', how the stages of one process are joined, the HTTP/metrics one and logging's.</summary>
    public static IReadOnlyList<string> Sections { get; } =
        ["Kafka", "Redis", "Ingest", "Embedder", "DriftDetector", "Recommender", "Topology", "Observability", "Logging"];

    /// <exception cref="ConfigurationException">The file named by <paramref name="file"/> is missing or unreadable, or a section is unknown.</exception>
    public static IConfigurationRoot Build(FileInfo? file, IReadOnlyList<string> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        if (file is not null && !file.Exists)
        {
            throw new ConfigurationException($"--config: {file.FullName} does not exist.");
        }

        var path = file?.FullName ?? Path.Combine(Environment.CurrentDirectory, DefaultFile);
        IConfigurationRoot configuration;
        try
        {
            configuration = new ConfigurationBuilder()
                .AddJsonFile(path, optional: file is null, reloadOnChange: false)
                .AddEnvironmentVariables(EnvironmentPrefix)
                .AddCommandLine([.. overrides])
                .Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or IOException)
        {
            throw new ConfigurationException($"{path}: {e.Message}", e);
        }

        var unknown = configuration.GetChildren().Select(c => c.Key).Where(k => !Sections.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
        {
            throw new ConfigurationException(string.Join(Environment.NewLine, unknown.Select(k =>
                $"{k} is not a StreamRec configuration section (known: {string.Join(", ", Sections)}).")));
        }

        return configuration;
    }
}
