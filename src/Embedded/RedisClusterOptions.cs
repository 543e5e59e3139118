namespace StreamRec.Embedded;

/// <summary>How <see cref="RedisClusterProcess"/> starts a Redis Cluster.</summary>
public sealed record RedisClusterOptions
{
    /// <summary>Masters; the 16,384 slots are split evenly among them. Redis Cluster needs at least 3.</summary>
    public int Masters { get; init; } = 3;

    /// <summary>Replicas of each master (what takes over when it fails).</summary>
    public int ReplicasPerMaster { get; init; } = 1;

    /// <summary>
    /// <c>cluster-node-timeout</c>: how long a master may be unreachable before its replica takes over.
    /// Short for tests; under about a second a loaded machine sees false failovers.
    /// </summary>
    public TimeSpan NodeTimeout { get; init; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>Append-only file on every node (a killed node restarted keeps what it had).</summary>
    public bool AppendOnly { get; init; } = true;

    /// <summary>How long the cluster may take to form (every node saying <c>cluster_state:ok</c>), or to fail over.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
}
