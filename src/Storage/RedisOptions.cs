namespace StreamRec.Storage;

/// <summary>How StreamRec reaches Redis (user state, item vectors, privacy ledger).</summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>StackExchange.Redis configuration string, e.g. "redis-0:6379,redis-1:6379". Empty means the embedded server in the demo.</summary>
    public string Configuration { get; set; } = "";

    /// <summary>Password (from a Secret in Kubernetes); never logged.</summary>
    public string? Password { get; set; }

    public bool Tls { get; set; }

    public int Database { get; set; }

    public int ConnectTimeoutMs { get; set; } = 5000;

    /// <summary>
    /// Limit of a synchronous call. The client's own default (1 s) fails calls on a busy 2-core machine
    /// (seen in the tests under load); workers use async calls, so this only bounds the rare sync ones.
    /// </summary>
    public int SyncTimeoutMs { get; set; } = 5000;

    /// <summary>
    /// Replicas that must hold a stage's Redis writes before its input offsets are stored (Redis WAIT on
    /// each master written to; <see cref="RedisReplicaWait"/>). 0, the default, waits for none: a write
    /// acknowledged by a master that crashes before replicating it can be lost in a failover. Set it only
    /// where every master has that many replicas: while one has fewer, the stages stop writing and retry.
    /// </summary>
    public int WaitReplicas { get; set; }

    /// <summary>How long a master may take to confirm <see cref="WaitReplicas"/> before the batch fails as a transient Redis failure.</summary>
    public int WaitTimeoutMs { get; set; } = 1000;
}
