using StackExchange.Redis;

namespace StreamRec.Storage;

/// <summary>The servers that hold StreamRec's keys: the one server, or every master of a Redis Cluster that serves slots.</summary>
public static class RedisMasters
{
    /// <summary>
    /// The one server (a replica listed beside it left out), or every master of a Redis Cluster that
    /// serves slots, as the client last learned from the cluster (CLUSTER NODES, which it asks again
    /// after a redirection or a lost connection). A failed master whose replica took over serves no
    /// slot and is left out; one that still serves slots is kept even when it cannot be reached, so that
    /// a command sent to it fails and the caller tries again, rather than passing it by unnoticed.
    /// </summary>
    /// <exception cref="RedisConnectionException">No server of the cluster is connected to describe it.</exception>
    public static IServer[] Of(IConnectionMultiplexer connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var servers = connection.GetServers().Where(s => !s.IsReplica).ToArray();
        if (!servers.Any(s => s.ServerType == ServerType.Cluster))
        {
            return servers;
        }

        var topology = servers.Where(s => s.IsConnected).Select(s => s.ClusterConfiguration).FirstOrDefault(c => c is not null)
            ?? throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None,
                "No master of the Redis Cluster is connected to describe the cluster.", null, CommandStatus.Unknown);
        return [.. topology.Nodes.Where(n => !n.IsReplica && n.Slots.Count > 0).Select(n => connection.GetServer(n.EndPoint!))];
    }
}
