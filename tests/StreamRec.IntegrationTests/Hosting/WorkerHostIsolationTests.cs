using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamRec.Cli.Hosting;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.IntegrationTests.Kafka;
using StreamRec.Observability.Health;

namespace StreamRec.IntegrationTests.Hosting;

/// <summary>
/// Worker hosts built in one process, as tests build them: each counts, registers and reports readiness
/// on its own (its meter from its own <c>IMeterFactory</c>, its own consumer registry), and a normal
/// start reads as starting, then ready.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed partial class WorkerHostIsolationTests(KafkaFixture kafka, RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static readonly StageSelection IngestOnly = new(Ingest: true, Embed: false, Drift: false, Recommend: false);

    [Fact]
    public async Task Two_hosts_in_one_process_count_and_register_only_their_own_records()
    {
        const int records = 20;
        await using var a = Build(IngestOnly, UniqueNames.Next("iso-a") + "-");
        await using var b = Build(IngestOnly, UniqueNames.Next("iso-b") + "-");
        await a.StartAsync();
        await b.StartAsync();

        // Records only host A's Ingest reads; none is a valid event, so each is dead-lettered.
        KafkaTestClients.ProduceAll(kafka.Options, a.Topics.Raw, Enumerable.Range(0, records).Select(i => ($"k{i}", "not json")));
        await Eventually.TrueAsync(async () => Value(await ScrapeAsync(a), "streamrec_events_consumed_total") == records, Deadline,
            "host A's /metrics to show its Ingest's records consumed");

        var served = await ScrapeAsync(a);
        Assert.Equal(records, Value(served, "streamrec_events_dead_lettered_total"));
        Assert.Equal(0, Value(served, "streamrec_events_forwarded_total"));
        // Host B counted nothing of them, in its instruments as in its /metrics (its series exist, at zero).
        var other = await ScrapeAsync(b);
        Assert.Equal(0, Value(other, "streamrec_events_consumed_total"));
        Assert.Equal(0, Value(other, "streamrec_events_dead_lettered_total"));
        // Each registry holds its own host's consumer only (the readiness and the lag gauge read it).
        Assert.All(a.Consumers.Current, c => Assert.Equal(a.Topics.Raw, c.Topic));
        Assert.All(b.Consumers.Current, c => Assert.Equal(b.Topics.Raw, c.Topic));
        Assert.Single(a.Consumers.Current);
        Assert.Single(b.Consumers.Current);
        Assert.DoesNotContain(a.Topics.Raw, other, StringComparison.Ordinal); // not even its lag series
    }

    [Fact]
    public async Task A_normal_start_is_starting_then_ready_and_never_logs_not_ready()
    {
        var drift = new StageSelection(Ingest: true, Embed: false, Drift: true, Recommend: false);
        await using var worker = Build(drift, UniqueNames.Next("start") + "-", redis.Server.ConnectionString);
        var monitor = worker.Services.GetRequiredService<ReadinessMonitor>();
        Assert.Equal("starting", monitor.Latest.State); // before the first round

        await worker.StartAsync();
        var answers = new List<(HttpStatusCode Status, string Body)>();
        await Eventually.TrueAsync(async () =>
        {
            var answer = await worker.GetAsync("/readyz");
            answers.Add(answer);
            return answer.Status == HttpStatusCode.OK;
        }, Deadline, () => $"/readyz to answer 200 (last: {answers.LastOrDefault()})");

        // Before it was ready, /readyz said 503 and starting, never not_ready.
        Assert.All(answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable), a => Assert.Contains("\"state\":\"starting\"", a.Body, StringComparison.Ordinal));
        var readiness = worker.Logs.Entries.Where(e => e.Category == typeof(ReadinessMonitor).FullName).ToList();
        Assert.DoesNotContain(readiness, e => e.Level >= LogLevel.Warning);
        Assert.StartsWith("Starting: waiting for ", readiness[0].Message, StringComparison.Ordinal);
        Assert.Contains(readiness, e => e.Message.StartsWith("Ready", StringComparison.Ordinal));
        Assert.Equal("ready", monitor.Latest.State);
    }

    private InProcessWorker Build(StageSelection stages, string prefix, string? redisConnection = null) =>
        InProcessWorker.Build(stages, kafka.Options, topic => kafka.CreateTopic(topic, partitions: 2), prefix, redisConnection);

    private static async Task<string> ScrapeAsync(InProcessWorker worker)
    {
        var (status, body) = await worker.GetAsync("/metrics");
        return status == HttpStatusCode.OK ? body : "";
    }

    /// <summary>The Ingest series of a counter in a scrape summed over its labels; -1 when there is none.</summary>
    private static long Value(string scrape, string name)
    {
        var values = SeriesLine().Matches(scrape)
            .Where(m => m.Groups["name"].Value == name && m.Groups["labels"].Value.Contains("stage=\"ingest\"", StringComparison.Ordinal))
            .Select(m => long.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture))
            .ToList();
        return values.Count == 0 ? -1 : values.Sum();
    }

    [GeneratedRegex(@"(?m)^(?<name>[a-z_]+)\{(?<labels>[^}]*)\} (?<value>\d+)$")]
    private static partial Regex SeriesLine();
}
