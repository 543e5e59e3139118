using System.CommandLine;
using Confluent.Kafka;
using StreamRec.Cli.Replay;
using StreamRec.Embedded;
using StreamRec.Messaging;
using StreamRec.Storage;

namespace StreamRec.Cli.Commands;

/// <summary>
/// <c>streamrec demo</c>: the whole product on its embedded defaults. Today it starts the embedded
/// broker and Redis and replays MovieLens into the raw-events topic; the stages join as they are built.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var data = ReplayCommand.DataOption();
        var rate = ReplayCommand.RateOption();
        var limit = ReplayCommand.LimitOption();
        var partitions = new Option<int>("--partitions") { Description = "Partitions of each StreamRec topic.", DefaultValueFactory = _ => 8 };

        var command = new Command("demo",
            """
            Run StreamRec on its embedded defaults: an embedded Kafka broker and a redis-server on loopback,
            MovieLens replayed into the raw-events topic with live progress, then a summary. Stops cleanly,
            also on Ctrl-C.

            Examples:
              streamrec demo
              streamrec demo --rate 20000 --limit 50000
            """)
        {
            data, rate, limit, partitions,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var events = ReplayCommand.LoadEvents(parse.GetValue(data), parse.GetValue(limit));
            Console.WriteLine($"demo: {events.Count:N0} MovieLens events from {events.Select(e => e.UserId).Distinct().Count():N0} users loaded.");

            var topics = new TopicNames();
            using var cluster = new EmbeddedKafkaCluster();
            foreach (var topic in topics.All)
            {
                cluster.CreateTopic(topic, parse.GetValue(partitions));
            }

            Console.WriteLine($"demo: embedded Kafka broker at {cluster.BootstrapServers} (librdkafka {KafkaNativeLibrary.Version}), {topics.All.Count} topics.");
            using var redis = await RedisServerProcess.StartAsync(cancellationToken: cancellationToken);
            using var connection = await RedisConnector.ConnectAsync(new RedisOptions { Configuration = redis.ConnectionString });
            var ping = await connection.GetDatabase().PingAsync();
            Console.WriteLine($"demo: redis-server at {redis.ConnectionString} (ping {ping.TotalMilliseconds:0.0} ms).");

            var kafka = new KafkaOptions
            {
                BootstrapServers = cluster.BootstrapServers,
                Consumer = new Dictionary<string, string>(EmbeddedKafkaCluster.ConsumerSettings, StringComparer.Ordinal),
            };
            var result = await new EventReplayer(KafkaClientConfigs.Producer(kafka), topics.Raw, parse.GetValue(rate))
                .RunAsync(events, cancellationToken);
            var inTopic = CountRecords(kafka, topics.Raw, parse.GetValue(partitions));

            Console.WriteLine();
            Console.WriteLine("StreamRec demo summary");
            Console.WriteLine($"  events replayed       {result.Delivered:N0} delivered, {result.Failed:N0} failed, {result.Elapsed.TotalSeconds:0.0} s ({result.Delivered / Math.Max(result.Elapsed.TotalSeconds, 1e-3):N0} events/s)");
            Console.WriteLine($"  records in {topics.Raw}  {inTopic:N0}");
            Console.WriteLine("  pipeline stages       not yet running in this build (Ingest, Embedder, DriftDetector, Recommender come next)");
            return result.Failed == 0 && inTopic == result.Delivered ? 0 : 1;
        });
        return command;
    }

    private static long CountRecords(KafkaOptions options, string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(KafkaClientConfigs.Consumer(options, "streamrec-demo-count")).Build();
        return Enumerable.Range(0, partitions)
            .Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)) is var w ? w.High.Value - w.Low.Value : 0);
    }
}
