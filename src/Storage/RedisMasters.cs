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
    /// a command sent to it fails and the caller tries again (once the client has learned of the
    /// failover), rather than passing its keys by unnoticed.
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

        // Each server keeps the description it last gave; the newest is the one with the highest config
        // epoch (a failover raises it). A node that says it is a replica now is left out even when a
        // description calls it a master (one that came back after a failover, as its successor's replica).
        var topology = connection.GetServers().Where(s => s.IsConnected).Select(s => s.ClusterConfiguration).OfType<ClusterConfiguration>()
            .MaxBy(c => c.Nodes.Max(ConfigEpoch))
            ?? throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None,
                "No node of the Redis Cluster is connected to describe the cluster.", null, CommandStatus.Unknown);
        return [.. topology.Nodes.Where(n => !n.IsReplica && n.Slots.Count > 0).Select(n => connection.GetServer(n.EndPoint!)).Where(s => !s.IsReplica)];
    }

    /// <summary>The config epoch of a CLUSTER NODES line: &lt;id&gt; &lt;address&gt; &lt;flags&gt; &lt;master&gt; &lt;ping&gt; &lt;pong&gt; &lt;epoch&gt; ...</summary>
    private static long ConfigEpoch(ClusterNode node) =>
        node.Raw?.Split(' ') is { Length: > 6 } fields && long.TryParse(fields[6], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var epoch) ? epoch : 0;
}
