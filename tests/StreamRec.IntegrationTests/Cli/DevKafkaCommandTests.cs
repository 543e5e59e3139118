using StreamRec.IntegrationTests.Infrastructure;

namespace StreamRec.IntegrationTests.Cli;

[Trait(BrokerTrait.Name, BrokerTrait.EmbeddedOnly)]
public sealed class DevKafkaCommandTests
{
    [Fact]
    public async Task Dev_kafka_serves_kcat_in_another_process_and_stops_cleanly_on_SIGTERM()
    {
        var bootstrapFile = Path.Combine(Path.GetTempPath(), $"streamrec-bootstrap-{Guid.NewGuid():N}");
        using var broker = ExternalProcess.StartStreamRec("dev-kafka", "--brokers", "2", "--topic", "probe:3", "--bootstrap-file", bootstrapFile);
        try
        {
            await Eventually.TrueAsync(() => File.Exists(bootstrapFile) && File.ReadAllText(bootstrapFile).EndsWith('\n'),
                TimeSpan.FromSeconds(30), () => $"dev-kafka writes its bootstrap address; stderr: {broker.StandardError}");
            var bootstrap = File.ReadAllText(bootstrapFile).Trim();
            await Eventually.TrueAsync(() => broker.StandardOutput.Contains($"bootstrap.servers={bootstrap}", StringComparison.Ordinal),
                TimeSpan.FromSeconds(10), () => $"dev-kafka prints the bootstrap address; stdout: {broker.StandardOutput}");

            // Topic created with the requested partitions, visible to a real client.
            var metadata = await ExternalProcess.RunAsync("kcat", null, TimeSpan.FromSeconds(30), "-b", bootstrap, "-L", "-t", "probe");
            Assert.Equal(0, metadata.ExitCode);
            Assert.Contains("topic \"probe\" with 3 partitions", metadata.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("2 brokers", metadata.StandardOutput, StringComparison.Ordinal);

            var lines = string.Concat(Enumerable.Range(0, 300).Select(i => $"user-{i % 7}:event-{i}\n"));
            var produce = await ExternalProcess.RunAsync("kcat", lines, TimeSpan.FromSeconds(30), "-b", bootstrap, "-t", "probe", "-P", "-K:");
            Assert.True(produce.ExitCode == 0, produce.StandardError);
            var consume = await ExternalProcess.RunAsync("kcat", null, TimeSpan.FromSeconds(30),
                "-b", bootstrap, "-t", "probe", "-C", "-o", "beginning", "-e", "-q", "-f", "%k:%s\n");
            Assert.Equal(lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal),
                consume.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

            broker.Terminate();
            await broker.WaitForExitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(0, broker.ExitCode);
            Assert.Contains("Stopping the embedded broker", broker.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(bootstrapFile);
        }
    }
}
