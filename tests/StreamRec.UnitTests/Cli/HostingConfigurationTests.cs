using Microsoft.Extensions.Configuration;
using StreamRec.Cli.Hosting;
using StreamRec.DriftDetector.Stage;
using StreamRec.Messaging;

namespace StreamRec.UnitTests.Cli;

public sealed class HostingConfigurationTests
{
    [Theory]
    [InlineData("ingest,embed,drift,recommend", true, true, true, true)]
    [InlineData("drift", false, false, true, false)]
    [InlineData(" Recommend , ingest ", true, false, false, true)]
    public void Stages_parse_in_any_order_and_case(string value, bool ingest, bool embed, bool drift, bool recommend) =>
        Assert.Equal(new StageSelection(ingest, embed, drift, recommend), StageSelection.Parse(value));

    [Theory]
    [InlineData("", "no stage given")]
    [InlineData("ingest,embedder", "unknown stage(s) embedder")]
    [InlineData("drift,drift", "named twice")]
    public void Bad_stage_lists_are_configuration_errors(string value, string message) =>
        Assert.Contains(message, Assert.Throws<ConfigurationException>(() => StageSelection.Parse(value)).Message, StringComparison.Ordinal);

    [Fact]
    public void Only_ingest_runs_without_redis() =>
        Assert.Equal([false, true, true, true], new[] { "ingest", "embed", "drift", "recommend" }.Select(s => StageSelection.Parse(s).NeedsRedis));

    [Fact]
    public void Unknown_keys_are_reported_with_their_full_path_and_dictionaries_take_any_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DriftDetector:Detection:CusumTreshold"] = "9",
            ["DriftDetector:Detection:CusumThreshold"] = "9",
            ["DriftDetector:GroupIdd"] = "x",
            ["Kafka:Client:sasl.mechanism"] = "PLAIN",
            ["Kafka:Topics:Raw"] = "r",
            ["Kafka:Topics:Rawr"] = "r",
        }).Build();

        Assert.Equal(["DriftDetector:Detection:CusumTreshold", "DriftDetector:GroupIdd"],
            UnknownKeys.Find(configuration.GetSection("DriftDetector"), typeof(DriftDetectorOptions)).Order(StringComparer.Ordinal));
        Assert.Equal(["Kafka:Topics:Rawr"], UnknownKeys.Find(configuration.GetSection("Kafka"), typeof(KafkaOptions)));
    }

    [Fact]
    public void Configuration_layers_apply_file_then_environment_then_command_line()
    {
        var directory = Directory.CreateTempSubdirectory("streamrec-layers-");
        var variable = $"{StreamRecConfiguration.EnvironmentPrefix}Kafka__Client__client.id";
        try
        {
            var file = new FileInfo(Path.Combine(directory.FullName, "settings.json"));
            File.WriteAllText(file.FullName, """{ "Kafka": { "BootstrapServers": "from-file:1", "Client": { "client.id": "from-file", "acks": "all" } } }""");
            Environment.SetEnvironmentVariable(variable, "from-environment");

            var fileAndEnvironment = StreamRecConfiguration.Build(file, []);
            var all = StreamRecConfiguration.Build(file, ["--Kafka:Client:client.id=from-command-line"]);

            Assert.Equal("from-environment", fileAndEnvironment["Kafka:Client:client.id"]);
            Assert.Equal("from-command-line", all["Kafka:Client:client.id"]);
            Assert.Equal("all", all["Kafka:Client:acks"]);
            Assert.Equal("from-file:1", all["Kafka:BootstrapServers"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void An_unknown_section_or_a_missing_config_file_is_a_configuration_error()
    {
        var section = Assert.Throws<ConfigurationException>(() => StreamRecConfiguration.Build(null, ["--Kafak:BootstrapServers=x"]));
        Assert.Contains("Kafak is not a StreamRec configuration section", section.Message, StringComparison.Ordinal);

        var missing = Assert.Throws<ConfigurationException>(() => StreamRecConfiguration.Build(new FileInfo("/nonexistent/streamrec.json"), []));
        Assert.Contains("/nonexistent/streamrec.json does not exist", missing.Message, StringComparison.Ordinal);
    }
}
