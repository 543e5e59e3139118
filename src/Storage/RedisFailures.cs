using StackExchange.Redis;

namespace StreamRec.Storage;

/// <summary>
/// Which Redis failures of a stage are transient: the server could not be reached, did not answer in
/// time, or answered that it cannot serve yet (a restarted server replaying its append-only file says
/// LOADING; a replica being promoted, a busy script, a cluster in the middle of a failover say the same
/// in their own words). The stage is then started again in the same process with a fresh processor on
/// the process's one connection, which reconnects by itself (Messaging's <c>StageWorker</c>,
/// <see cref="RedisConnection"/>). NOSCRIPT (a script cache emptied by a restart) is not among them:
/// StackExchange.Redis answers it itself by sending the script's text, since StreamRec evaluates scripts
/// by their text, never by a bare SHA1. Anything else (a wrong type, a script error, a rejected
/// password) is not transient: it stops the process, because trying again cannot help.
/// </summary>
public static class RedisFailures
{
    /// <summary>The <c>reason</c> label of <c>streamrec_stage_restarts_total</c> for these failures.</summary>
    public const string Reason = "redis";

    private static readonly string[] TransientServerErrors = ["LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN"];

    /// <summary>
    /// A WAIT (Redis:WaitReplicas) that reached a node which is a replica now: a former master that came
    /// back after a failover, before the client learned it. READONLY in WAIT's words.
    /// </summary>
    private const string WaitOnReplica = "ERR WAIT cannot be used with replica instances";

    /// <summary><see cref="Reason"/> when <paramref name="failure"/> (or an exception inside it) is a transient Redis error; otherwise null.</summary>
    public static string? TransientReason(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case RedisConnectionException or RedisTimeoutException:
                    return Reason;
                case RedisServerException server:
                    return TransientServerErrors.Any(prefix => server.Message.StartsWith(prefix, StringComparison.Ordinal))
                        || server.Message.StartsWith(WaitOnReplica, StringComparison.Ordinal) ? Reason : null;
                case RedisException:
                    return null; // e.g. RedisCommandException: the command itself is wrong
            }
        }

        return null;
    }
}
