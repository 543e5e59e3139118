using System.Net;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using StreamRec.Contracts;
using StreamRec.IntegrationTests.Embedding;
using StreamRec.IntegrationTests.Hosting;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.IntegrationTests.Kafka;
using StreamRec.Messaging;

namespace StreamRec.IntegrationTests.Observability;

/// <summary>
/// The dashboard against the real thing: a <c>streamrec run</c> process with all four stages on the
/// embedded broker and a real redis-server, scraped every second by a real Prometheus on loopback, fed
/// with traffic that exercises every panel (invalid events, users whose interests change twice, a
/// privacy budget that the second release of each user exceeds). Every query of the dashboard, as
/// Grafana would send it, must return a value that is not NaN before the deadline.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class DashboardScrapeTests(KafkaFixture kafka, RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    /// <summary>What $__rate_interval stands for here (Grafana: at least 4 scrape intervals; a minute keeps a burst visible while polling).</summary>
    private const string RateInterval = "1m";

    private const int UsersPerWave = 3;
    private const int EventsPerPhase = 60;

    [Fact]
    public async Task Every_dashboard_query_returns_data_from_a_real_Prometheus_scraping_a_running_pipeline()
    {
        var prefix = UniqueNames.Next("dash") + "-";
        var topics = WorkerProcess.Topics(prefix);
        foreach (var topic in topics.All)
        {
            kafka.CreateTopic(topic, partitions: 2);
        }

        // The public catalog the waves' items come from: the only recommendation candidates (the
        // embed stage reads the catalog topic by default; items only events name are never candidates).
        KafkaTestClients.ProduceAll(kafka.Options, topics.Catalog, Enumerable.Range(0, 25).SelectMany(item => new[]
        {
            new CatalogItemRecord { ItemId = $"{prefix}c{item}", Title = $"Happy Laugh {item} (1990)", Categories = ["Comedy"] },
            new CatalogItemRecord { ItemId = $"{prefix}h{item}", Title = $"Night Scream {item} (2010)", Categories = ["Horror"] },
        }).Select(c => Message(c.ItemId, JsonSerializer.SerializeToUtf8Bytes(c, ContractsJsonContext.Default.CatalogItemRecord))));

        using var encoder = new TestEncoder(prefix + "model");
        using var worker = WorkerProcess.Start("ingest,embed,drift,recommend", kafka.BootstrapServers, redis.Server.ConnectionString, prefix, encoder.ModelPath,
            // The test encoder is random and 12-dimensional: a more sensitive CUSUM, as in FourStagePipelineTests.
            "--DriftDetector:Detection:CusumSlack=0.5", "--DriftDetector:Detection:CusumThreshold=6",
            // One release per user fits the budget; the second (after the user's second mutation) does not.
            "--Recommender:TopK=5", "--Recommender:EpsilonSelection=1", "--Recommender:BudgetCap=1.5",
            "--Recommender:CatalogRefreshInterval=00:00:01");
        var pipeline = worker.Process;
        string PipelineState() =>
            $"streamrec run ({pipeline.ExitCodeOrNone}); its output ends:\n{Tail(pipeline.StandardOutput)}\n{Tail(pipeline.StandardError)}";
        await worker.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(90));

        using var prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{worker.Port}");
        await prometheus.WaitForTargetUpAsync(TimeSpan.FromSeconds(60));

        using var stop = new CancellationTokenSource();
        var traffic = Task.Run(() => ProduceWavesAsync(kafka.Options, prefix, topics.Raw, stop.Token));
        IReadOnlyList<string> unanswered;
        try
        {
            unanswered = await UnansweredDashboardQueriesAsync(prometheus, TimeSpan.FromSeconds(180), () => pipeline.HasExited || traffic.IsCompleted);
        }
        finally
        {
            await stop.CancelAsync();
            await traffic.ContinueWith(_ => { }, TaskScheduler.Default); // a producer failure is reported below
        }

        Assert.True(traffic.Status is TaskStatus.RanToCompletion or TaskStatus.Canceled, $"the event producer failed: {traffic.Exception}");
        if (unanswered.Count > 0)
        {
            var families = (await worker.GetAsync("/metrics")).Body.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l[7..]);
            Assert.Fail($"{unanswered.Count} dashboard queries (or variables) returned nothing within the deadline:\n{string.Join('\n', unanswered)}" +
                $"\nmetrics the process serves now:\n  {string.Join("\n  ", families)}\n{PipelineState()}\nprometheus log:\n{Tail(prometheus.Log)}");
        }
    }

    /// <summary>
    /// Polls every query of the dashboard, as Grafana would send it (variables on "All"), and every
    /// variable's label_values, until each has answered once with a value that is not NaN, or until the
    /// deadline or <paramref name="giveUp"/>. Returns those that never did, with their last answer.
    /// </summary>
    internal static async Task<IReadOnlyList<string>> UnansweredDashboardQueriesAsync(PrometheusServer prometheus, TimeSpan timeout, Func<bool> giveUp)
    {
        var dashboard = GrafanaDashboard.Load();
        var values = dashboard.AllValues();
        var pending = new Dictionary<string, Func<Task<string?>>>(StringComparer.Ordinal);
        foreach (var (name, selector, label) in dashboard.LabelValuesVariables())
        {
            var match = GrafanaDashboard.Expand(selector, RateInterval, values);
            pending[$"variable ${name}: label_values({match}, {label})"] = async () =>
                (await prometheus.LabelValuesAsync(label, match)).Count > 0 ? null : "no values";
        }

        foreach (var query in dashboard.Queries)
        {
            var promql = GrafanaDashboard.Expand(query.Expr, RateInterval, values);
            pending[$"\"{query.Panel}\" {query.RefId}: {promql}"] = async () =>
            {
                var samples = await prometheus.QueryAsync(promql);
                return samples.Any(s => !double.IsNaN(s.Value)) ? null : samples.Count == 0 ? "empty result" : $"only NaN ({samples.Count} series)";
            };
        }

        var lastAnswers = new Dictionary<string, string>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + timeout;
        while (pending.Count > 0 && DateTime.UtcNow < deadline && !giveUp())
        {
            foreach (var (what, check) in pending.ToList())
            {
                var answer = await check();
                if (answer is null)
                {
                    pending.Remove(what);
                }
                else
                {
                    lastAnswers[what] = answer;
                }
            }

            await Task.Delay(500);
        }

        return pending.Keys.Select(k => $"  {k}  -> {lastAnswers.GetValueOrDefault(k, "not asked")}").ToList();
    }

    /// <summary>
    /// Produces waves of traffic until cancelled, a couple of seconds apart, so that every counter keeps
    /// rising across scrapes (a series first scraped at its final value has a rate of 0 and its quantiles
    /// are NaN). Each wave: new users, each 60 comedies, 60 horror films, 60 comedies again (two interest
    /// mutations, so the second release meets the budget cap), some items new to the wave (the encoder
    /// runs only on cache misses), and three records Ingest must dead-letter.
    /// </summary>
    internal static async Task ProduceWavesAsync(KafkaOptions kafka, string prefix, string topic, CancellationToken cancellationToken)
    {
        for (var wave = 0; !cancellationToken.IsCancellationRequested; wave++)
        {
            var messages = new List<Message<byte[]?, byte[]?>>();
            var users = Enumerable.Range(0, UsersPerWave).Select(u => $"{prefix}person-{wave}-{u}").ToList();
            for (var i = 0; i < 3 * EventsPerPhase; i++)
            {
                foreach (var (user, u) in users.Select((user, u) => (user, u)))
                {
                    var horror = i / EventsPerPhase == 1;
                    var item = ((i * 7) + (u * 3)) % 25;
                    // Mostly items the embedding cache holds after the first wave; every tenth event an
                    // item new to this wave, so the encoder itself runs in every wave too.
                    var itemId = i % 10 == 0 ? $"{prefix}{(horror ? "h" : "c")}{item}-w{wave}" : $"{prefix}{(horror ? "h" : "c")}{item}";
                    var raw = new RawEvent
                    {
                        EventId = $"{user}-{i}",
                        UserId = user,
                        ItemId = itemId,
                        Type = "purchase",
                        Ts = 1_600_000_000_000L + (i * 60_000L),
                        Title = horror ? $"Night Scream {item} (2010)" : $"Happy Laugh {item} (1990)",
                        Categories = [horror ? "Horror" : "Comedy"],
                    };
                    messages.Add(Message(user, JsonSerializer.SerializeToUtf8Bytes(raw, ContractsJsonContext.Default.RawEvent)));
                }
            }

            var invalidUser = $"{prefix}person-{wave}-invalid";
            messages.Add(Message(invalidUser, Encoding.UTF8.GetBytes("{ not json")));
            messages.Add(Message(invalidUser, Encoding.UTF8.GetBytes("""{"schema_version":1,"event_id":"lonely"}""")));
            messages.Add(Message(invalidUser, JsonSerializer.SerializeToUtf8Bytes(
                new RawEvent { EventId = $"{invalidUser}-t", UserId = invalidUser, ItemId = $"{prefix}c1", Type = "teleport", Ts = 1_600_000_000_000L },
                ContractsJsonContext.Default.RawEvent)));
            KafkaTestClients.ProduceAll(kafka, topic, messages);

            // Pacing of the offered load, not a wait for a condition.
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }
    }

    private static Message<byte[]?, byte[]?> Message(string key, byte[] value) => new() { Key = Encoding.UTF8.GetBytes(key), Value = value };

    private static string Tail(string text) => text.Length <= 4000 ? text : "..." + text[^4000..];
}
