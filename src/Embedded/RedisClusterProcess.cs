using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace StreamRec.Embedded;

/// <summary>
/// A real Redis Cluster of redis-server child processes on loopback ports (by default three masters,
/// each with one replica), for the integration tests: the nodes are started in cluster mode and joined
/// by <c>redis-cli --cluster create</c>, as an operator would. A master can be killed with SIGKILL to
/// watch its replica take over. Every node is a <see cref="RedisServerProcess"/>, so the nodes are
/// stopped and their directories deleted on <see cref="Dispose"/>, and stopped when this process exits.
/// </summary>
public sealed class RedisClusterProcess : IDisposable
{
    /// <summary>Redis Cluster's number of hash slots.</summary>
    public const int Slots = 16384;

    /// <summary>A node's cluster bus listens on its port + 10,000 (Redis' fixed offset).</summary>
    private const int BusPortOffset = 10000;

    private readonly List<RedisServerProcess> _nodes;
    private readonly RedisClusterOptions _options;

    private RedisClusterProcess(List<RedisServerProcess> nodes, RedisClusterOptions options)
    {
        _nodes = nodes;
        _options = options;
    }

    /// <summary>Every node, masters and replicas, in the order they were started (the roles change with failovers).</summary>
    public IReadOnlyList<RedisServerProcess> Nodes => _nodes;

    /// <summary>StackExchange.Redis configuration string listing every node (the client discovers the cluster from any of them).</summary>
    public string ConnectionString => string.Join(',', _nodes.Select(n => n.ConnectionString));

    /// <summary>Starts the nodes, creates the cluster, and waits until every node says it is healthy and every replica is in sync.</summary>
    public static async Task<RedisClusterProcess> StartAsync(RedisClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RedisClusterOptions();
        if (options.Masters < 3)
        {
            throw new ArgumentException("Redis Cluster needs at least three masters.", nameof(options));
        }

        var nodes = new List<RedisServerProcess>();
        var cluster = new RedisClusterProcess(nodes, options);
        try
        {
            for (var i = 0; i < options.Masters * (1 + options.ReplicasPerMaster); i++)
            {
                nodes.Add(await StartNodeAsync(options, cancellationToken).ConfigureAwait(false));
            }

            await cluster.CreateAsync(cancellationToken).ConfigureAwait(false);
            await cluster.WaitUntilHealthyAsync(cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>The slot of <paramref name="key"/> (CLUSTER KEYSLOT, so the server's own hash-tag rule decides).</summary>
    public async Task<int> KeySlotAsync(string key, CancellationToken cancellationToken = default) =>
        int.Parse(await RespClient.QueryAsync(LiveNodes().First().Port, ["CLUSTER", "KEYSLOT", key], cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);

    /// <summary>The cluster as a live node sees it.</summary>
    public async Task<IReadOnlyList<RedisClusterNode>> TopologyAsync(CancellationToken cancellationToken = default) =>
        RedisClusterNode.Parse(await RespClient.QueryAsync(LiveNodes().First().Port, ["CLUSTER", "NODES"], cancellationToken).ConfigureAwait(false));

    /// <summary>The node that serves <paramref name="slot"/> now.</summary>
    public async Task<RedisServerProcess> MasterOfAsync(int slot, CancellationToken cancellationToken = default)
    {
        var owner = (await TopologyAsync(cancellationToken).ConfigureAwait(false)).Single(n => n.IsMaster && !n.Failed && n.Owns(slot));
        return _nodes.Single(n => n.Port == owner.Port);
    }

    /// <summary>
    /// Kills the master of <paramref name="slot"/> with SIGKILL (a crash: no shutdown, no failover
    /// handshake) and waits until its replica has taken over: the slot is served by another node and
    /// every live node says <c>cluster_state:ok</c>. The killed node stays down.
    /// </summary>
    /// <returns>The killed node, the promoted one, and how long the slot had no master.</returns>
    public async Task<RedisClusterFailover> KillMasterAsync(int slot, CancellationToken cancellationToken = default)
    {
        var master = await MasterOfAsync(slot, cancellationToken).ConfigureAwait(false);
        var took = Stopwatch.StartNew();
        master.Kill();
        var deadline = DateTime.UtcNow + _options.Timeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var promoted = await TryPromotedAsync(slot, master.Port, cancellationToken).ConfigureAwait(false);
            if (promoted is not null && await AllOkAsync(cancellationToken).ConfigureAwait(false))
            {
                return new RedisClusterFailover(master, _nodes.Single(n => n.Port == promoted.Port), took.Elapsed);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No replica took over slot {slot} from 127.0.0.1:{master.Port} within {_options.Timeout}.");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Starts a killed node again; it rejoins the cluster (a former master as a replica of its successor) and this waits until it is in sync.</summary>
    public async Task RestartNodeAsync(RedisServerProcess node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        await node.RestartAsync(_options.Timeout, cancellationToken).ConfigureAwait(false);
        await WaitUntilHealthyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops every node and deletes their directories.</summary>
    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }
    }

    private static async Task<RedisServerProcess> StartNodeAsync(RedisClusterOptions options, CancellationToken cancellationToken)
    {
        // A port found free can be taken before redis binds it (or its bus port); retry on a fresh one.
        const int attempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            var serverOptions = new RedisServerOptions
            {
                Port = FreePortWithBus(),
                AppendOnly = options.AppendOnly,
                ExtraArguments =
                [
                    "--cluster-enabled", "yes",
                    // Relative to the node's own directory (--dir): one nodes.conf per node.
                    "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", ((long)options.NodeTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                ],
            };
            try
            {
                return await RedisServerProcess.StartAsync(serverOptions, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException) when (attempt < attempts)
            {
                // The server exited while starting: most likely its port or bus port was taken.
            }
        }
    }

    /// <summary>A free loopback port whose cluster bus port (+10,000) is a valid port and free too.</summary>
    private static int FreePortWithBus()
    {
        while (true)
        {
            var port = LoopbackPorts.GetFree();
            if (port + BusPortOffset > IPEndPoint.MaxPort)
            {
                continue;
            }

            try
            {
                using var bus = new TcpListener(IPAddress.Loopback, port + BusPortOffset);
                bus.Start();
                return port;
            }
            catch (SocketException)
            {
                // The bus port is taken: try another.
            }
        }
    }

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(RedisServerProcess.FindExecutable("redis-cli"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--cluster");
        start.ArgumentList.Add("create");
        foreach (var node in _nodes)
        {
            start.ArgumentList.Add(node.ConnectionString);
        }

        start.ArgumentList.Add("--cluster-replicas");
        start.ArgumentList.Add(_options.ReplicasPerMaster.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--cluster-yes");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-cli.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create exited with {process.ExitCode}:\n{await output.ConfigureAwait(false)}\n{await errors.ConfigureAwait(false)}");
        }
    }

    /// <summary>
    /// Until every live node says <c>cluster_state:ok</c> and sees every slot served, and every slot's
    /// master has its replicas online: a write acknowledged from then on is on its way to a replica.
    /// </summary>
    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _options.Timeout;
        var last = "";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                if (await AllOkAsync(cancellationToken).ConfigureAwait(false) && await ReplicasInSyncAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (IOException e)
            {
                last = e.Message;
            }
            catch (SocketException e)
            {
                last = e.Message;
            }

            if (DateTime.UtcNow > deadline)
            {
                var topology = string.Join("\n", (await TopologyAsync(cancellationToken).ConfigureAwait(false)).Select(n => n.ToString()));
                throw new TimeoutException($"The Redis Cluster was not healthy within {_options.Timeout}. {last}\n{topology}");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> AllOkAsync(CancellationToken cancellationToken)
    {
        foreach (var node in LiveNodes())
        {
            var info = await RespClient.QueryAsync(node.Port, ["CLUSTER", "INFO"], cancellationToken).ConfigureAwait(false);
            if (!info.Contains("cluster_state:ok", StringComparison.Ordinal)
                || !info.Contains($"cluster_slots_ok:{Slots}", StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private async Task<bool> ReplicasInSyncAsync(CancellationToken cancellationToken)
    {
        var topology = await TopologyAsync(cancellationToken).ConfigureAwait(false);
        var masters = topology.Where(n => n.IsMaster && !n.Failed && n.SlotRanges.Count > 0).ToList();
        if (masters.Count != _options.Masters)
        {
            return false;
        }

        foreach (var master in masters)
        {
            var replicas = topology.Where(n => !n.IsMaster && !n.Failed && n.MasterId == master.Id).ToList();
            if (replicas.Count < Math.Min(_options.ReplicasPerMaster, LiveNodes().Count() - _options.Masters))
            {
                return false;
            }

            foreach (var replica in replicas)
            {
                var info = await RespClient.QueryAsync(replica.Port, ["INFO", "replication"], cancellationToken).ConfigureAwait(false);
                if (!info.Contains("master_link_status:up", StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private async Task<RedisClusterNode?> TryPromotedAsync(int slot, int killedPort, CancellationToken cancellationToken)
    {
        try
        {
            var topology = await TopologyAsync(cancellationToken).ConfigureAwait(false);
            return topology.SingleOrDefault(n => n.IsMaster && !n.Failed && n.Port != killedPort && n.Owns(slot));
        }
        catch (IOException)
        {
            return null;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private IEnumerable<RedisServerProcess> LiveNodes() => _nodes.Where(n => !n.HasExited);
}
