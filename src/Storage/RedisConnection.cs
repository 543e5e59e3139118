using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace StreamRec.Storage;

/// <summary>
/// The process's one Redis connection, shared by its stages and its readiness check. It is opened at the
/// first <see cref="GetAsync"/> and kept for the life of the host: a stage started again after a
/// transient failure gets the same connection, which reconnects by itself
/// (<c>AbortOnConnectFail = false</c>). Disposed with the host's services.
/// </summary>
public sealed class RedisConnection(IOptions<RedisOptions> options) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private Task<ConnectionMultiplexer>? _opening;

    /// <summary>The connection, once it is connected (it may be connecting when the stage starts, or reconnecting after an outage).</summary>
    /// <exception cref="RedisConnectionException">Not connected within <see cref="RedisOptions.ConnectTimeoutMs"/>: a transient failure (<see cref="RedisFailures"/>).</exception>
    public async Task<IConnectionMultiplexer> GetAsync(CancellationToken cancellationToken)
    {
        var connection = await Open().WaitAsync(cancellationToken).ConfigureAwait(false);
        await RedisConnector.WaitUntilConnectedAsync(connection, TimeSpan.FromMilliseconds(options.Value.ConnectTimeoutMs), cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>The replica wait the options ask for on <paramref name="connection"/>, or null for none.</summary>
    public RedisReplicaWait? ReplicaWait(IConnectionMultiplexer connection) => RedisReplicaWait.From(connection, options.Value);

    public async ValueTask DisposeAsync()
    {
        Task<ConnectionMultiplexer>? opening;
        lock (_gate)
        {
            opening = _opening;
            _opening = Task.FromException<ConnectionMultiplexer>(new ObjectDisposedException(nameof(RedisConnection)));
        }

        if (opening is null)
        {
            return;
        }

        // Still opening when the host stops during its start: the opening ends within the connect
        // timeout (it does not wait for a server); a failed one has nothing to dispose.
        await ((Task)opening).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (opening.IsCompletedSuccessfully)
        {
            await (await opening.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
    }

    private Task<ConnectionMultiplexer> Open()
    {
        lock (_gate)
        {
            // Opening does not wait for a server (AbortOnConnectFail = false); it fails only on a bad
            // configuration, which trying again cannot mend, so a failed opening is kept.
            return _opening ??= RedisConnector.OpenAsync(options.Value);
        }
    }
}
