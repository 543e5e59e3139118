using System.Globalization;
using StackExchange.Redis;

namespace StreamRec.Storage;

/// <summary>
/// Makes a stage's Redis writes durable on replicas before its input offsets are stored
/// (<see cref="RedisOptions.WaitReplicas"/>): WAIT on each master the batch wrote to, which returns once the writes sent
/// before it on that connection reached that many replicas. Redis replicates asynchronously, so without
/// it a write a master acknowledged just before it crashed can be missing on the replica promoted in its
/// place; if the input offsets were committed meanwhile, nothing replays it. With it, a batch counts as
/// consumed only when its state is on a replica too. A master that cannot confirm within
/// <see cref="RedisOptions.WaitTimeoutMs"/> (a replica down, or none left after a failover) fails the
/// batch as a transient Redis failure: the stage restarts and replays it (the writes are idempotent),
/// so writes stop rather than go unprotected until a replica is back.
/// </summary>
public sealed class RedisReplicaWait
{
    private readonly IConnectionMultiplexer _connection;
    private readonly int _replicas;
    private readonly string _timeout;

    private RedisReplicaWait(IConnectionMultiplexer connection, int replicas, int timeoutMs)
    {
        _connection = connection;
        _replicas = replicas;
        _timeout = timeoutMs.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The wait <paramref name="options"/> ask for, or null when they ask for none (WaitReplicas = 0, the default).</summary>
    public static RedisReplicaWait? From(IConnectionMultiplexer connection, RedisOptions options)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        return options.WaitReplicas > 0 ? new RedisReplicaWait(connection, options.WaitReplicas, options.WaitTimeoutMs) : null;
    }

    /// <summary>
    /// Returns once the masters that own <paramref name="keys"/> (where the writes went: the one server,
    /// or on a Redis Cluster the owners of the keys' slots, as the client routes them) have the writes
    /// sent to them so far on that many replicas.
    /// </summary>
    /// <exception cref="RedisTimeoutException">A master confirmed fewer replicas in time (transient: <see cref="RedisFailures"/>).</exception>
    /// <exception cref="RedisConnectionException">A master is unreachable: the writes it acknowledged may not have reached a replica (transient).</exception>
    public async Task WaitAsync(IEnumerable<RedisKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        // One WAIT per master written to, in parallel: about one round trip per batch. WAIT covers every
        // write sent before it on the connection, which is the one the writes took.
        var masters = keys.Select(k => _connection.GetServer(k)).DistinctBy(s => s.EndPoint).ToArray();
        var confirmed = await Task.WhenAll(masters.Select(s => s.ExecuteAsync("WAIT", _replicas, _timeout))).ConfigureAwait(false);
        for (var i = 0; i < masters.Length; i++)
        {
            if ((long)confirmed[i] < _replicas)
            {
                throw new RedisTimeoutException(
                    CommandFlags.None,
                    $"Redis {masters[i].EndPoint} confirmed the writes on {(long)confirmed[i]} replica(s) of the {_replicas} required within {_timeout} ms (Redis:WaitReplicas, Redis:WaitTimeoutMs).",
                    CommandStatus.Unknown);
            }
        }
    }
}
