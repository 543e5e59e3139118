using System.CommandLine;
using StreamRec.Embedded;
using StreamRec.Messaging;

namespace StreamRec.Cli.Commands;

/// <summary><c>streamrec dev-kafka</c>: the embedded Kafka-protocol broker, until Ctrl-C.</summary>
public static class DevKafkaCommand
{
    public static Command Create()
    {
        var brokers = new Option<int>("--brokers") { Description = "Number of brokers in the cluster.", DefaultValueFactory = _ => 1 };
        brokers.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 16)
            {
                r.AddError("--brokers must be between 1 and 16.");
            }
        });
        var partitions = new Option<int>("--partitions") { Description = "Partitions of each topic created without an explicit count.", DefaultValueFactory = _ => 8 };
        partitions.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--partitions must be >= 1.");
            }
        });
        var topics = new Option<string[]>("--topic")
        {
            Description = "Topic to create, as name[:partitions]; repeatable. Default: the seven StreamRec topics.",
            AllowMultipleArgumentsPerToken = false,
        };
        var bootstrapFile = new Option<FileInfo?>("--bootstrap-file") { Description = "Also write the bootstrap address to this file (for scripts)." };

        var command = new Command("dev-kafka",
            """
            Run an embedded Kafka-protocol broker (librdkafka's mock cluster) on loopback until stopped.
            Any Kafka client can use it: the bootstrap address is printed on start.

            Examples:
              streamrec dev-kafka
              streamrec dev-kafka --brokers 3 --topic clicks:16 --topic orders
              streamrec dev-kafka --bootstrap-file /tmp/streamrec-bootstrap   # then: kcat -b $(cat /tmp/streamrec-bootstrap) -L
            """)
        {
            brokers, partitions, topics, bootstrapFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var defaultPartitions = parse.GetValue(partitions);
            var requested = parse.GetValue(topics) is { Length: > 0 } given
                ? given.Select(t => TopicSpec.Parse(t, defaultPartitions)).ToList()
                : new TopicNames().All.Select(t => new TopicSpec(t, defaultPartitions)).ToList();

            using var cluster = new EmbeddedKafkaCluster(parse.GetValue(brokers));
            foreach (var topic in requested)
            {
                cluster.CreateTopic(topic.Name, topic.Partitions);
            }

            Console.WriteLine($"Embedded Kafka broker ({cluster.BrokerCount} broker(s), librdkafka {Confluent.Kafka.Library.VersionString}) listening.");
            Console.WriteLine($"bootstrap.servers={cluster.BootstrapServers}");
            foreach (var topic in requested)
            {
                Console.WriteLine($"  topic {topic.Name} ({topic.Partitions} partitions)");
            }

            Console.WriteLine("Unknown topics are auto-created with 4 partitions. Press Ctrl-C to stop.");
            if (parse.GetValue(bootstrapFile) is { } file)
            {
                // Written last: a script that waits for this file finds the broker and its topics ready.
                await File.WriteAllTextAsync(file.FullName, cluster.BootstrapServers + "\n", cancellationToken);
            }

            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine("Stopping the embedded broker.");
            }

            return 0;
        });
        return command;
    }
}
