using System.Text.Json;
using Confluent.Kafka;
using StreamRec.Contracts;
using StreamRec.DriftDetector.Stage;
using StreamRec.DriftDetector.State;
using StreamRec.IntegrationTests.DriftDetector;
using StreamRec.IntegrationTests.Embedding;
using StreamRec.IntegrationTests.Hosting;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Messaging;
using Xunit.Abstractions;

namespace StreamRec.IntegrationTests.Reliability;

/// <summary>
/// Crash consistency of the drift stage as a real process: <c>streamrec run --stages drift</c> killed
/// with SIGKILL ten times at random moments while events stream in, restarted each time.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class ProcessKillTests(KafkaFixture kafka, RedisServerFixture redis, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Ten_kill_9s_of_the_drift_worker_mid_stream_leave_the_reference_state_and_every_mutation_once()
    {
        var prefix = UniqueNames.Next("kill") + "-";
        var topics = WorkerProcess.Topics(prefix);
        kafka.CreateTopic(topics.Embedded, partitions: 4);
        kafka.CreateTopic(topics.Mutations, partitions: 2);
        kafka.CreateTopic(topics.DeadLetter, partitions: 1);
        var world = new GenreWorld(prefix, seed: 31);
        var db = redis.Connection.GetDatabase();
        await world.WriteCatalogAsync(db);
        var histories = new[] { ("Comedy", "Horror"), ("Romance", "Thriller"), ("Western", "Animation"), ("Drama", "Comedy") }
            .Select((s, i) => world.Events($"{prefix}switcher-{i}", 90, 0, s.Item1).Concat(world.Events($"{prefix}switcher-{i}", 90, 90, s.Item2)).ToList())
            .Concat(Enumerable.Range(0, 4).Select(i => world.Events($"{prefix}steady-{i}", 180, 0, GenreWorld.Genres[i], GenreWorld.Genres[i + 4])))
            .ToList();
        var events = Enumerable.Range(0, 180).SelectMany(i => histories.Select(h => h[i])).ToList();

        // The stream: a little every 100 ms for about 45 s, so that every life of the worker meets traffic.
        using var streaming = new CancellationTokenSource();
        var producer = Task.Run(async () =>
        {
            using var client = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(kafka.Options)).Build();
            foreach (var chunk in events.Chunk(4))
            {
                foreach (var e in chunk)
                {
                    client.Produce(topics.Embedded, GenreWorld.Message(e));
                }

                await Task.Delay(100, streaming.Token);
            }

            client.Flush(TimeSpan.FromSeconds(30));
        });

        var random = new Random(11);
        var kills = 0;
        try
        {
            for (; kills < 10; kills++)
            {
                using var worker = Start(prefix);
                // A random moment of its life (not a wait for a condition): starting, joining, or mid-batch.
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(1500, 6000)));
                Assert.False(worker.Process.HasExited, $"the worker exited by itself ({worker.Process.ExitCodeOrNone})\n{worker.Process.StandardOutput}");
            } // Dispose: SIGKILL, no shutdown

            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.f} {kills} kills done");
            await producer;
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.f} stream produced");
            using var last = Start(prefix);
            var store = new DriftStateStore(db, TimeSpan.FromDays(1));
            await Eventually.TrueAsync(async () =>
            {
                Assert.False(last.Process.HasExited, last.Process.StandardOutput);
                foreach (var history in histories)
                {
                    if ((await store.LoadAsync(history[0].User))?.State.Events != history.Count)
                    {
                        return false;
                    }
                }

                return true;
            }, TimeSpan.FromSeconds(120), "every event applied by the last life");
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.f} all applied");
            last.Process.Terminate();
            await last.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, last.Process.ExitCode);
        }
        finally
        {
            await streaming.CancelAsync();
        }

        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.f} last life stopped");
        var stored = ByteRecords.ReadToEnd(kafka.Options, topics.Embedded, TimeSpan.FromSeconds(30))
            .Select(r => (r.Partition.Value, r.Offset.Value, EmbeddedEventCodec.Read(r.Message.Value)));
        var reference = new DriftReference(new DriftDetectorOptions().Detection, stored);
        var states = new DriftStateStore(db, TimeSpan.FromDays(1));
        foreach (var (user, expected) in reference.States)
        {
            var state = await states.LoadAsync(user);
            Assert.NotNull(state);
            DriftReference.AssertSame(expected, state.State, user); // no event applied twice, none lost
        }

        var mutations = ByteRecords.ReadToEnd(kafka.Options, topics.Mutations, TimeSpan.FromSeconds(30))
            .Select(r => JsonSerializer.Deserialize(r.Message.Value, ContractsJsonContext.Default.MutationRecord)!).ToList();
        Assert.Equal(reference.MutationIds.Order(), mutations.Select(m => m.MutationId).Distinct().Order());
        foreach (var copies in mutations.GroupBy(m => m.MutationId).Where(g => g.Count() > 1))
        {
            // Republished after a kill between delivery and the state write: the same record again.
            Assert.Single(copies.Select(m => (m.User, m.Source, m.Score, m.Explanation.Summary, string.Join(",", m.Interest))).Distinct());
        }

        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.f} checked");
        Assert.Equal(10, kills);
    }

    private WorkerProcess Start(string prefix) =>
        WorkerProcess.Start("drift", kafka.BootstrapServers, redis.Server.ConnectionString, prefix, "unused.onnx",
            "--DriftDetector:MicroBatchSize=16", "--DriftDetector:MicroBatchWait=00:00:00.050");
}
