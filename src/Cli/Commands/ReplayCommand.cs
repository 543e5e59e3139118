using System.CommandLine;
using StreamRec.Cli.Hosting;
using StreamRec.Datasets;
using StreamRec.Messaging;
using StreamRec.Replay;

namespace StreamRec.Cli.Commands;

/// <summary><c>streamrec replay</c>: MovieLens ratings as raw events into a Kafka topic, at a rate.</summary>
public static class ReplayCommand
{
    /// <summary>The variable <c>streamrec run</c> reads Kafka:BootstrapServers from (StreamRecConfiguration).</summary>
    private const string BootstrapServersVariable = "STREAMREC__Kafka__BootstrapServers";

    public static Command Create()
    {
        var bootstrap = new Option<string?>("--bootstrap-servers", "-b")
        {
            Description = $"Kafka bootstrap servers (host:port,...). Default: ${BootstrapServersVariable}.",
        };
        var topic = new Option<string>("--topic") { Description = "Topic to write raw events to.", DefaultValueFactory = _ => new TopicNames().Raw };
        var catalogTopic = new Option<string>("--catalog-topic")
        {
            Description = "Topic to publish the film list (movies.csv, public) to before the events: the items that can be recommended.",
            DefaultValueFactory = _ => new TopicNames().Catalog,
        };
        var noCatalog = new Option<bool>("--no-catalog")
        {
            Description = "Do not publish the film list (it is on the catalog topic already). Without it the Recommender has no candidates.",
        };
        var data = DataOption();
        var rate = RateOption();
        var limit = LimitOption();

        var command = new Command("replay",
            """
            Publish the MovieLens film list (public data) on the catalog topic, then replay the ratings,
            in time order, as raw interaction events (the Ingest input contract, keyed by user id) into a
            Kafka topic, with progress output. The films are the items that can be recommended: the
            Recommender's candidates come from the catalog topic only, never from the events. The broker
            is --bootstrap-servers, else STREAMREC__Kafka__BootstrapServers (as `streamrec run` reads it).

            Examples:
              streamrec replay --limit 20000
              streamrec replay -b "$STREAMREC__Kafka__BootstrapServers" --rate 5000 --limit 5000
              streamrec replay --no-catalog --limit 1000           # the film list is published already
            """)
        {
            bootstrap, topic, catalogTopic, noCatalog, data, rate, limit,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var servers = parse.GetValue(bootstrap) ?? Environment.GetEnvironmentVariable(BootstrapServersVariable);
            if (string.IsNullOrWhiteSpace(servers))
            {
                await Console.Error.WriteLineAsync($"streamrec: --bootstrap-servers is required when {BootstrapServersVariable} is not set.");
                await Console.Error.WriteLineAsync("Run 'streamrec replay --help' for usage.");
                return ExitCodes.InvalidUsage;
            }

            var dataset = MovieLensDataset.Load(parse.GetValue(data)?.FullName ?? MovieLensDirectory.Resolve());
            var events = LoadEvents(dataset, parse.GetValue(limit));
            var options = new KafkaOptions { BootstrapServers = servers };
            if (!parse.GetValue(noCatalog))
            {
                // Before the events: a film must be a candidate before a mutation can ask for it.
                var catalog = CatalogPublisher.Publish(
                    KafkaClientConfigs.Producer(options), parse.GetValue(catalogTopic)!, MovieLensCatalog.Items(dataset.Movies), cancellationToken);
                Console.WriteLine($"replay: {catalog.Delivered:N0} films published to {parse.GetValue(catalogTopic)} in {catalog.Elapsed.TotalSeconds:0.0} s, {catalog.Failed:N0} failed");
                if (catalog.Failed > 0)
                {
                    await Console.Error.WriteLineAsync($"replay: {catalog.Failed:N0} films were not delivered; first error: {catalog.FirstError}");
                    return 1;
                }
            }

            var result = await new EventReplayer(KafkaClientConfigs.Producer(options), parse.GetValue(topic)!, parse.GetValue(rate))
                .RunAsync(events, cancellationToken);
            Console.WriteLine($"replay: {result.Delivered:N0} events delivered in {result.Elapsed.TotalSeconds:0.0} s ({result.Delivered / Math.Max(result.Elapsed.TotalSeconds, 1e-3):N0}/s), {result.Failed:N0} failed");
            if (result.Failed > 0)
            {
                await Console.Error.WriteLineAsync($"replay: {result.Failed:N0} events were not delivered; first error: {result.FirstError}");
                return 1;
            }

            return 0;
        });
        return command;
    }

    internal static Option<DirectoryInfo?> DataOption() => new("--data")
    {
        Description = "MovieLens directory (movies.csv, ratings.csv). Default: $STREAMREC_DATA_DIR or data/ml-latest-small (made by scripts/get-movielens.sh).",
    };

    internal static Option<double> RateOption()
    {
        var rate = new Option<double>("--rate") { Description = "Events per second; 0 sends as fast as the broker accepts.", DefaultValueFactory = _ => 0 };
        rate.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() < 0)
            {
                r.AddError("--rate must be >= 0.");
            }
        });
        return rate;
    }

    internal static Option<int?> LimitOption()
    {
        var limit = new Option<int?>("--limit") { Description = "Replay only the first N events (in time order)." };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1)
            {
                r.AddError("--limit must be >= 1.");
            }
        });
        return limit;
    }

    internal static IReadOnlyList<Contracts.RawEvent> LoadEvents(MovieLensDataset dataset, int? limit)
    {
        var events = MovieLensEvents.InTimeOrder(dataset.Movies, dataset.Ratings);
        return limit is { } n && n < events.Count ? events.GetRange(0, n) : events;
    }
}
