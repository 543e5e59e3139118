using System.Globalization;

namespace StreamRec.Embedded;

/// <summary>One line of <c>CLUSTER NODES</c>: a node's id, port, role, health, master and slots.</summary>
public sealed record RedisClusterNode(string Id, int Port, bool IsMaster, bool Failed, string? MasterId, IReadOnlyList<(int First, int Last)> SlotRanges)
{
    public bool Owns(int slot) => SlotRanges.Any(r => r.First <= slot && slot <= r.Last);

    /// <summary>Reads <c>CLUSTER NODES</c>' reply (slots being migrated, in brackets, are left out).</summary>
    public static IReadOnlyList<RedisClusterNode> Parse(string clusterNodes)
    {
        ArgumentNullException.ThrowIfNull(clusterNodes);
        var nodes = new List<RedisClusterNode>();
        foreach (var line in clusterNodes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // <id> <ip:port@cport> <flags> <master> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot>...
            var fields = line.Split(' ');
            var address = fields[1];
            var port = int.Parse(address.AsSpan(address.LastIndexOf(':') + 1, address.IndexOf('@', StringComparison.Ordinal) - address.LastIndexOf(':') - 1), CultureInfo.InvariantCulture);
            var flags = fields[2].Split(',');
            var ranges = new List<(int, int)>();
            foreach (var slot in fields.Skip(8).Where(s => !s.StartsWith('[')))
            {
                var dash = slot.IndexOf('-', StringComparison.Ordinal);
                ranges.Add(dash < 0
                    ? (int.Parse(slot, CultureInfo.InvariantCulture), int.Parse(slot, CultureInfo.InvariantCulture))
                    : (int.Parse(slot.AsSpan(0, dash), CultureInfo.InvariantCulture), int.Parse(slot.AsSpan(dash + 1), CultureInfo.InvariantCulture)));
            }

            nodes.Add(new RedisClusterNode(
                fields[0], port, flags.Contains("master"), flags.Contains("fail") || flags.Contains("fail?") || flags.Contains("noaddr"),
                fields[3] == "-" ? null : fields[3], ranges));
        }

        return nodes;
    }

    public override string ToString() =>
        $"{Id[..8]} 127.0.0.1:{Port} {(IsMaster ? "master" : "replica of " + MasterId?[..8])}{(Failed ? " FAILED" : "")} {string.Join(' ', SlotRanges.Select(r => $"{r.First}-{r.Last}"))}";
}
