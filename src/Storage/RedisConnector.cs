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

    public static Task<ConnectionMultiplexer> ConnectAsync(RedisOptions options) =>
        ConnectionMultiplexer.ConnectAsync(ToConfiguration(options));
}
