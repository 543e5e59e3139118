using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using StreamRec.Cli.Hosting;
using StreamRec.DriftDetector.State;
using StreamRec.Ingest;
using StreamRec.Messaging.Stages;
using StreamRec.Recommender.Ledger;
using StreamRec.Recommender.Stage;
using StreamRec.Storage;

namespace StreamRec.Cli.Commands;

/// <summary>
/// <c>streamrec forget --user ID</c>: the erasure path for a data-subject request. Computes the user's
/// pseudonym with Ingest's key (the raw id is used for nothing else and printed nowhere) and deletes
/// everything StreamRec keeps in Redis under it: the interest state, the recent items, the privacy
/// ledger and the stored joint-mode releases. The keys share the pseudonym's hash tag, so one DEL removes them together, also on a Redis
/// Cluster. Records already in Kafka topics carry the pseudonym until the topics' retention ends them
/// (docs/privacy.md).
/// </summary>
public static class ForgetCommand
{
    public static Command Create()
    {
        var user = new Option<string>("--user") { Description = "The user's raw id, as producers send it in user_id.", Required = true };
        var configFile = ConfigurationArguments.ConfigFileOption();
        var command = new Command("forget",
            $"""
            Erase one user: their interest state, recent items and privacy ledger in Redis. Needs the same
            Ingest:PseudonymKey (and Ingest:PseudonymBytes) as the running Ingest stage, and Redis settings.
            A user who sends events again afterwards starts afresh, with a fresh privacy budget.

            {ConfigurationArguments.Help}

            {ConfigurationArguments.ExamplesEnvironment}

            Examples:
              STREAMREC__Ingest__PseudonymKey=$(openssl rand -base64 32) streamrec forget --user 42   # give your Ingest stage's key instead
            """)
        {
            user, configFile,
        };
        ConfigurationArguments.AcceptOverrides(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var rawId = parse.GetValue(user)!;
            IngestOptions ingest;
            RedisOptions redis;
            try
            {
                (ingest, redis) = ReadOptions(ConfigurationArguments.Read(parse, configFile));
            }
            catch (ConfigurationException e)
            {
                return RunCommand.ConfigurationError(e.Message);
            }

            var pseudonym = Pseudonymizer.FromOptions(ingest).Pseudonymize(rawId);
            RedisKey[] keys = [DriftStateStore.Key(pseudonym), DriftStateStore.RecentItemsKey(pseudonym), PrivacyLedger.Key(pseudonym), JointReleaseStore.Key(pseudonym)];
            using var connection = await RedisConnector.ConnectAsync(redis);
            if (!connection.IsConnected)
            {
                Console.Error.WriteLine($"forget: cannot reach Redis at {redis.Configuration}; nothing was deleted.");
                return ExitCodes.Failure;
            }

            var deleted = await connection.GetDatabase().KeyDeleteAsync(keys).WaitAsync(cancellationToken);
            Console.WriteLine($"forget: pseudonym {pseudonym}: deleted {deleted} key(s) of {keys.Length} (interest state, recent items, privacy ledger, joint-mode releases; absent keys were already gone).");
            return ExitCodes.Success;
        });
        return command;
    }

    private static (IngestOptions Ingest, RedisOptions Redis) ReadOptions(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var services = new ServiceCollection()
            .AddStageOptions<IngestOptions, IngestOptionsValidator>(configuration, IngestOptions.SectionName)
            .AddStageOptions<RedisOptions, RedisOptionsValidator>(configuration, RedisOptions.SectionName);
        using var provider = services.BuildServiceProvider();
        var errors = new List<string>();
        var ingest = OptionsProbe.TryGet<IngestOptions>(provider, configuration, IngestOptions.SectionName, errors);
        var redis = OptionsProbe.TryGet<RedisOptions>(provider, configuration, RedisOptions.SectionName, errors);
        OptionsProbe.ThrowIfAny(errors);
        return (ingest!, redis!);
    }
}
