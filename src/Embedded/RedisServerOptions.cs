namespace StreamRec.Embedded;

/// <summary>How <see cref="RedisServerProcess"/> starts redis-server.</summary>
public sealed record RedisServerOptions
{
    /// <summary>Loopback port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Append-only file for durability tests; off by default (nothing is written to disk).</summary>
    public bool AppendOnly { get; init; }

    /// <summary>Working directory for the AOF; a new temporary directory when null.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Path of the redis-server binary; found on PATH (or /usr/bin) when null.</summary>
    public string? Executable { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>More redis-server arguments, after the defaults (e.g. the cluster-mode ones of <see cref="RedisClusterProcess"/>).</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
}
