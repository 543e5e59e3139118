using System.Globalization;

namespace StreamRec.Benchmarks.Harness;

/// <summary>
/// CPU time from /proc: of each thread of this process (by thread name, which tells librdkafka's
/// threads, the embedded broker's, the GC's and the thread pool's apart, also the native ones a managed
/// profiler does not see), of another process (redis-server), and of the whole machine (the other agents
/// on a shared box). Two snapshots subtracted give cores used over an interval. Linux only.
/// </summary>
internal sealed class CpuAccounting
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, 100 on every Linux build here

    private CpuAccounting(DateTime at, Dictionary<int, (string Name, long Ticks)> threads, long otherProcess, long machineBusy, long machineTotal)
    {
        At = at;
        Threads = threads;
        OtherProcess = otherProcess;
        MachineBusy = machineBusy;
        MachineTotal = machineTotal;
    }

    private DateTime At { get; }

    private Dictionary<int, (string Name, long Ticks)> Threads { get; }

    private long OtherProcess { get; }

    private long MachineBusy { get; }

    private long MachineTotal { get; }

    public static CpuAccounting Take(int? otherPid)
    {
        var threads = new Dictionary<int, (string, long)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var tid = int.Parse(Path.GetFileName(directory), CultureInfo.InvariantCulture);
                var name = File.ReadAllText(Path.Combine(directory, "comm")).Trim();
                threads[tid] = (name, Ticks(File.ReadAllText(Path.Combine(directory, "stat"))));
            }
            catch (IOException)
            {
                // the thread ended while being read
            }
        }

        var other = otherPid is { } pid && File.Exists($"/proc/{pid}/stat") ? Ticks(File.ReadAllText($"/proc/{pid}/stat")) : 0;
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        var idle = cpu[3] + cpu[4]; // idle + iowait
        return new CpuAccounting(DateTime.UtcNow, threads, other, cpu.Sum() - idle, cpu.Sum());
    }

    /// <summary>Cores used between <paramref name="before"/> and this snapshot, per thread name (digits dropped: "rdk:broker1" and "rdk:broker2" add up).</summary>
    public CpuUse Since(CpuAccounting before)
    {
        ArgumentNullException.ThrowIfNull(before);
        var seconds = (At - before.At).TotalSeconds;
        var byName = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (tid, (name, ticks)) in Threads)
        {
            var start = before.Threads.TryGetValue(tid, out var b) && b.Name == name ? b.Ticks : 0;
            var group = name.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ' ', '#');
            byName[group] = byName.GetValueOrDefault(group) + ((ticks - start) / TicksPerSecond / seconds);
        }

        var machineTotal = MachineTotal - before.MachineTotal;
        var cores = Environment.ProcessorCount;
        return new CpuUse(
            byName.OrderByDescending(p => p.Value).ToList(),
            (OtherProcess - before.OtherProcess) / TicksPerSecond / seconds,
            machineTotal == 0 ? 0 : (double)(MachineBusy - before.MachineBusy) / machineTotal * cores);
    }

    private static long Ticks(string stat)
    {
        // Fields after the parenthesised name (which may hold spaces): state is field 3, utime 14, stime 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}

/// <summary>Cores used over an interval: per thread name of this process, by the other process, by the whole machine.</summary>
internal sealed record CpuUse(IReadOnlyList<KeyValuePair<string, double>> Threads, double OtherProcess, double Machine)
{
    public double Process => Threads.Sum(t => t.Value);
}
