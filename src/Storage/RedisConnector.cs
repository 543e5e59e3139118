using System.Diagnostics;
using StackExchange.Redis;

namespace StreamRec.Storage;

/// <summary>
/// Opens StackExchange.Redis connections from <see cref="RedisOptions"/>. A worker process shares one
/// (<see cref="RedisConnection"/>); one-off commands and tools call <see cref="ConnectAsync"/> directly.
/// </summary>
public static class RedisConnector
{
    /// <summary>How often <see cref="WaitUntilConnectedAsync"/> looks at the connection state.</summary>
    private static readonly TimeSpan ConnectedPollInterval = TimeSpan.FromMilliseconds(20);

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
        // Key names hold pseudonyms: keep them out of exception messages, which the stage workers log.
        configuration.IncludeDetailInExceptions = false;
        return configuration;
    }

    /// <summary>
    /// A connection that is connected: with <c>AbortOnConnectFail = false</c> the client's own connect
    /// can return before any server is reachable, and the first command would then fail with "No
    /// connection is available". This waits up to <see cref="RedisOptions.ConnectTimeoutMs"/> for the
    /// connection instead.
    /// </summary>
    /// <exception cref="RedisConnectionException">No server was connected within the deadline (a transient failure: <see cref="RedisFailures"/>).</exception>
    public static async Task<ConnectionMultiplexer> ConnectAsync(RedisOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connection = await OpenAsync(options).ConfigureAwait(false);
        var connected = false;
        try
        {
            await WaitUntilConnectedAsync(connection, TimeSpan.FromMilliseconds(options.ConnectTimeoutMs), cancellationToken).ConfigureAwait(false);
            connected = true;
            return connection;
        }
        finally
        {
            if (!connected)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>A connection that may not be connected yet: it keeps connecting (and reconnecting) by itself.</summary>
    public static Task<ConnectionMultiplexer> OpenAsync(RedisOptions options) =>
        ConnectionMultiplexer.ConnectAsync(ToConfiguration(options));

    /// <summary>Returns once <paramref name="connection"/> is connected.</summary>
    /// <exception cref="RedisConnectionException">Not connected within <paramref name="deadline"/>.</exception>
    public static async Task WaitUntilConnectedAsync(IConnectionMultiplexer connection, TimeSpan deadline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var waited = Stopwatch.StartNew();
        while (!connection.IsConnected)
        {
            if (waited.Elapsed >= deadline)
            {
                throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None,
                    $"Redis ({string.Join(", ", connection.GetEndPoints().Select(e => e.ToString()))}) was not connected within {deadline.TotalMilliseconds:0} ms (Redis:ConnectTimeoutMs).", null, CommandStatus.Unknown);
            }

            await Task.Delay(ConnectedPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
