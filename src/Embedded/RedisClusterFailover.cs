namespace StreamRec.Embedded;

/// <summary>What <see cref="RedisClusterProcess.KillMasterAsync"/> did: the master killed, the replica promoted, and how long the slot had no master.</summary>
public sealed record RedisClusterFailover(RedisServerProcess Killed, RedisServerProcess Promoted, TimeSpan Outage);
