using StackExchange.Redis;

namespace StreamRec.Storage;

/// <summary>
/// Opens StackExchange.Redis connections from <see cref="RedisOptions"/>. Version 1.2.6 is used because
/// the newer clients' dependencies are not served on this platform (build/Platform.props).
/// </summary>
public static class RedisConnector
{
    public static ConfigurationOptions ToConfiguration(RedisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            throw new ArgumentException("Redis:Configuration is empty: give host:port of the Redis server.", nameof(options));
        }

        var configuration = ConfigurationOptions.Parse(options.Configuration);
        if (!string.IsNullOrEmpty(options.Password))
        {
            configuration.Password = options.Password;
        }

        configuration.Ssl |= options.Tls;
        configuration.DefaultDatabase = options.Database;
        configuration.ConnectTimeout = options.ConnectTimeoutMs;
        configuration.SyncTimeout = options.SyncTimeoutMs;
        // Keep retrying in the background after a Redis restart instead of failing the worker for good.
        configuration.AbortOnConnectFail = false;
        return configuration;
    }

    public static async Task<ConnectionMultiplexer> ConnectAsync(RedisOptions options)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(ToConfiguration(options)).ConfigureAwait(false);
        // 1.x completes every async call, in order, on ONE thread of its own, and runs the awaiting code
        // there. A stage loop awaiting Redis would then carry on (and block in Kafka's Consume) on that
        // thread, starving every other Redis completion of the process: seen as a hang when a test read
        // Redis while an idle stage loop held the thread. Without ordered completion, continuations run
        // on the thread pool. Nothing in StreamRec relies on the order of completions of separate calls.
#pragma warning disable CS0618 // obsolete in 2.x, where ordered completion no longer exists; it is how 1.2.6 is told
        connection.PreserveAsyncOrder = false;
#pragma warning restore CS0618
        // Key names hold pseudonyms: keep them out of exception messages, which the stage workers log.
        connection.IncludeDetailInExceptions = false;
        return connection;
    }
}
