using System.CommandLine;

namespace StreamRec.Cli.Hosting;

/// <summary>
/// The configuration arguments shared by the commands that read StreamRec's configuration (<c>run</c>,
/// <c>forget</c>): <c>--config FILE</c>, and any <c>--Section:Key=value</c> left over on the command line,
/// which overrides appsettings.json and <c>STREAMREC__</c> environment variables.
/// </summary>
public static class ConfigurationArguments
{
    public const string Help =
        """
        Configuration: appsettings.json in the working directory (or --config FILE), then environment
        variables STREAMREC__Section__Key, then --Section:Key=value arguments, each overriding the one
        before. Sections: Kafka (BootstrapServers; Client/Producer/Consumer: any librdkafka property,
        e.g. --Kafka:Client:security.protocol=SASL_SSL), Redis (Configuration, Password, Tls, Database),
        Ingest, Embedder, DriftDetector, Recommender, Observability (ListenAddress, Port, Otlp:Endpoint),
        Logging. An unknown key, a missing secret or an impossible value stops the process with exit
        code 2 and a message naming the key. docs/configuration.md lists every key.
        """;

    /// <summary>Where the examples of <c>run</c> and <c>forget</c> find Kafka and Redis on a developer machine.</summary>
    public const string ExamplesEnvironment =
        """
        The examples take Kafka and Redis from the environment, run from the repository after
        scripts/setup.sh (e.g. STREAMREC__Kafka__BootstrapServers=<the address `streamrec dev-kafka`
        prints> and STREAMREC__Redis__Configuration=127.0.0.1:6379 for a local redis-server).
        """;

    public static Option<FileInfo?> ConfigFileOption() => new("--config")
    {
        Description = $"JSON configuration file (default: ./{StreamRecConfiguration.DefaultFile} when present).",
    };

    /// <summary>Lets <paramref name="command"/> accept <c>--Section:Key=value</c> tokens it does not declare.</summary>
    public static void AcceptOverrides(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.TreatUnmatchedTokensAsErrors = false;
    }

    /// <exception cref="ConfigurationException">A leftover token is not a configuration override, or the configuration is unreadable.</exception>
    public static Microsoft.Extensions.Configuration.IConfigurationRoot Read(ParseResult parse, Option<FileInfo?> configFile)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var overrides = parse.UnmatchedTokens;
        var stray = new List<string>();
        for (var i = 0; i < overrides.Count; i++)
        {
            var token = overrides[i];
            var key = token.StartsWith("--", StringComparison.Ordinal) ? token[2..].Split('=', 2)[0] : null;
            if (key is null || !key.Contains(':', StringComparison.Ordinal))
            {
                stray.Add(token);
            }
            else if (!token.Contains('=', StringComparison.Ordinal))
            {
                i++; // "--Section:Key value": the next token is the value
                if (i == overrides.Count)
                {
                    stray.Add(token + " (no value)");
                }
            }
        }

        if (stray.Count > 0)
        {
            throw new ConfigurationException(
                $"unexpected argument(s) {string.Join(" ", stray)}: configuration overrides are written --Section:Key=value (e.g. --Kafka:BootstrapServers=kafka:9092).");
        }

        return StreamRecConfiguration.Build(parse.GetValue(configFile), overrides);
    }
}
