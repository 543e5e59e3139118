using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamRec.Contracts;
using StreamRec.Recommender.Privacy;
using StreamRec.Recommender.Stage;
using StreamRec.Storage;

namespace StreamRec.Recommender.Billboard;

/// <summary>
/// Makes the billboard's releases: at each step boundary, for every model, exactly one process (the one
/// whose SET NX on the step's lock succeeds) reads the window's exact counts, adds the noise of the tree
/// nodes on the step's path (<see cref="BinaryTreeCounter.NodesOf"/>) for every (cluster, public catalog
/// item), zero counts included, so that which items were counted is not revealed, clamps at 0, and writes
/// the snapshot the Recommender reads and the records of the billboard topic.
/// <para>
/// <b>Noise persistence.</b> A node's noise is drawn once from the CSPRNG and stored in Redis with SET NX
/// (<see cref="BillboardStore.NodeNoiseAsync"/>); every later release that needs the node reads it. This
/// was chosen over deriving noise from a stored secret seed with a keyed PRF because it keeps the
/// guarantee information-theoretic (pure ε-DP, not computational DP against an observer without the
/// key) for about 4 bytes per (cluster, item) per node: 46 nodes x 80,000 cells is about 15 MB per
/// window at the defaults, gone two windows later.
/// </para>
/// <para>
/// <b>A missed step</b> (no process ran at its boundary, or the lock holder died) is simply not
/// released: the next release reads the exact counts then. That is the same tree with the missed
/// step's increment folded into the next one, and since the release is the exact prefix plus the noise
/// of fixed, drawn-once nodes, each user's contribution still enters one node per level: the accounting
/// of <see cref="BillboardAccountant"/> holds. The final step of the previous window is released late
/// (if it was missed) before the current window's, so that the next snapshots add a complete window.
/// </para>
/// <para>
/// <b>Two windows per snapshot.</b> A snapshot's counts are the previous window's final release plus
/// the current window's release at this step (post-processing). A user active in both windows is
/// therefore covered by 2 x ε in one snapshot; the guarantee each record carries is per window.
/// </para>
/// </summary>
public sealed class BillboardReleaser
{
    public const string Mechanism = "binary-tree-discrete-laplace";

    public const string Notion = "user-level pure DP per window";

    private readonly BillboardStore _store;
    private readonly BillboardOptions _options;
    private readonly BillboardWindows _windows;
    private readonly IProducer<byte[]?, byte[]?>? _producer;
    private readonly string _topic;
    private readonly IRandomSource _random;
    private readonly RecommenderMetrics _metrics;
    private readonly ILogger _logger;
    private readonly string _owner = Guid.NewGuid().ToString("N");

    /// <summary>The longest wait between two looks at the clock (a clock change is noticed within it).</summary>
    private static readonly TimeSpan MaxTick = TimeSpan.FromSeconds(5);

    /// <summary>The step each model's release was last tried for here, so that a tick within the same step asks Redis nothing.</summary>
    private readonly Dictionary<string, (long WindowStart, int Step)> _tried = new(StringComparer.Ordinal);

    /// <param name="store">The billboard's Redis state.</param>
    /// <param name="options">The billboard's options.</param>
    /// <param name="producer">Where releases are published (null: the snapshot in Redis only).</param>
    /// <param name="topic">The billboard topic.</param>
    /// <param name="random">Node noise: <see cref="CryptoRandomSource"/> in anything released.</param>
    /// <param name="metrics">The Recommender's instruments.</param>
    /// <param name="logger">Where releases are logged (never a user).</param>
    public BillboardReleaser(
        BillboardStore store, BillboardOptions options, IProducer<byte[]?, byte[]?>? producer, string topic, IRandomSource random, RecommenderMetrics metrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _options = options;
        _windows = new BillboardWindows(options);
        _producer = producer;
        _topic = topic;
        _random = random;
        _metrics = metrics;
        _logger = logger;
        Accountant = new BillboardAccountant(options.EpsilonPerWindow, options.MaxItemsPerUser, options.ReleasesPerWindow);
        Guarantee = new BillboardGuarantee
        {
            Notion = Notion,
            EpsilonPerWindow = Accountant.SpentPerDay,
            Delta = 0,
            WindowSeconds = (long)options.Window.TotalSeconds,
            MaxItemsPerUser = options.MaxItemsPerUser,
            ReleasesPerWindow = options.ReleasesPerWindow,
            Levels = Accountant.Levels,
            NodeScale = Accountant.NodeScale,
            Mechanism = Mechanism,
        };
    }

    /// <summary>The accounting of one window: sensitivity L, T steps, node scale ceil(L x levels / ε).</summary>
    public BillboardAccountant Accountant { get; }

    /// <summary>What every release carries: ε is what a window's releases spend (&lt;= the configured ε).</summary>
    public BillboardGuarantee Guarantee { get; }

    public BillboardWindows Windows => _windows;

    /// <summary>
    /// Releases every step when it ends, until <paramref name="stoppingToken"/> is cancelled: looks at the
    /// clock at each step boundary, and at least every few seconds so that a clock change is noticed.
    /// </summary>
    /// <exception cref="StackExchange.Redis.RedisException">Redis is unreachable or a command failed.</exception>
    public async Task RunAsync(TimeProvider clock, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            await ReleaseDueAsync(now).ConfigureAwait(false);
            var wait = TimeSpan.FromMilliseconds(_windows.NextBoundary(now) - clock.GetUtcNow().ToUnixTimeMilliseconds());
            try
            {
                await Task.Delay(wait < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : wait > MaxTick ? MaxTick : wait, clock, stoppingToken)
                    .ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>The snapshot version of a step: "{window start, unix ms}-{step}".</summary>
    public static string Version(long windowStart, int step) => string.Create(CultureInfo.InvariantCulture, $"{windowStart}-{step}");

    /// <summary>
    /// Releases, for every model seen in events, the step that ended at the last boundary before
    /// <paramref name="nowMs"/> (and first the previous window's final step if it was missed), unless
    /// another process did. Returns the snapshots this process made.
    /// </summary>
    /// <exception cref="StackExchange.Redis.RedisException">Redis is unreachable or a command failed.</exception>
    public async Task<IReadOnlyList<BillboardSnapshot>> ReleaseDueAsync(long nowMs)
    {
        var (windowStart, step) = _windows.Due(nowMs);
        var made = new List<BillboardSnapshot>();
        foreach (var model in await _store.ModelsAsync().ConfigureAwait(false))
        {
            if (_tried.TryGetValue(model, out var tried) && tried == (windowStart, step))
            {
                continue;
            }

            var previous = windowStart - _windows.WindowMs;
            if (step != _windows.Steps
                && await _store.ExistingFrameAsync(model, previous).ConfigureAwait(false) is not null
                && !await _store.IsLockedAsync(model, previous, _windows.Steps).ConfigureAwait(false)
                && await ReleaseAsync(model, previous, _windows.Steps).ConfigureAwait(false) is { } late)
            {
                made.Add(late);
            }

            if (await ReleaseAsync(model, windowStart, step).ConfigureAwait(false) is { } snapshot)
            {
                made.Add(snapshot);
            }

            // Not while the model's catalog is empty: its first items may still arrive within the step.
            if (await _store.ExistingFrameAsync(model, windowStart).ConfigureAwait(false) is not null)
            {
                _tried[model] = (windowStart, step);
            }
        }

        return made;
    }

    /// <summary>
    /// Releases one step of one model's window if this process wins its lock; null when another process
    /// has it, or when the model's public catalog is empty. Only for the due step or the previous
    /// window's last (<see cref="ReleaseDueAsync"/>): the lock and the node noise expire two windows after
    /// they were written, and a step asked for after that would be released again with new noise.
    /// </summary>
    public async Task<BillboardSnapshot?> ReleaseAsync(string model, long windowStart, int step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(step, _windows.Steps);
        var version = Version(windowStart, step);
        var frame = await _store.FrameAsync(model, windowStart).ConfigureAwait(false);
        if (frame is null)
        {
            return null;
        }

        if (!await _store.TryLockAsync(model, windowStart, step, _owner).ConfigureAwait(false))
        {
            Log.BillboardReleasedElsewhere(_logger, model, version);
            return null;
        }

        var exact = await _store.ExactCountsAsync(model, windowStart, frame).ConfigureAwait(false);
        var noise = new List<int[]>();
        foreach (var node in BinaryTreeCounter.NodesOf(step))
        {
            noise.Add(await _store.NodeNoiseAsync(model, windowStart, node, frame.Cells, Accountant.NodeScale, _random).ConfigureAwait(false));
        }

        var current = BillboardReleaseMath.Release(exact, noise, frame.Clusters);
        await _store.StoreReleaseAsync(model, windowStart, step, current).ConfigureAwait(false);
        var previousStart = windowStart - _windows.WindowMs;
        var previousFrame = await _store.ExistingFrameAsync(model, previousStart).ConfigureAwait(false);
        var previous = previousFrame is null ? null : await _store.ReadReleaseAsync(model, previousStart, previousFrame).ConfigureAwait(false);
        var snapshot = new BillboardSnapshot
        {
            Version = version,
            ModelVersion = model,
            ReleasedAt = _windows.StepEnd(windowStart, step),
            WindowStart = windowStart,
            Step = step,
            Guarantee = Guarantee,
            Centroids = frame.Centroids,
            Items = frame.Items,
            Counts = BillboardReleaseMath.Combine(frame, current, previousFrame, previous),
        };

        var snapshots = new BillboardSnapshotStore(_store.Database);
        if (IsNewer(version, await snapshots.ReadVersionAsync(model).ConfigureAwait(false)))
        {
            // A replica that released a late step (the previous window's final one) must not replace a newer snapshot.
            await snapshots.WriteAsync(snapshot).ConfigureAwait(false);
        }

        await PublishAsync(snapshot).ConfigureAwait(false);
        _metrics.BillboardReleases.Add(1);
        Log.BillboardReleased(_logger, model, version, frame.Clusters, frame.Items.Length);
        return snapshot;
    }

    /// <summary>The release as one record per cluster (<see cref="BillboardRecord"/>), keyed by model, stamped with the step's end.</summary>
    private async Task PublishAsync(BillboardSnapshot snapshot)
    {
        if (_producer is null)
        {
            return;
        }

        var key = Encoding.UTF8.GetBytes(snapshot.ModelVersion);
        var stamp = new Timestamp(DateTimeOffset.FromUnixTimeMilliseconds(snapshot.ReleasedAt).UtcDateTime, TimestampType.CreateTime);
        var deliveries = Enumerable.Range(0, snapshot.Centroids.Length).Select(c => _producer.ProduceAsync(_topic, new Message<byte[]?, byte[]?>
        {
            Key = key,
            Timestamp = stamp,
            Value = JsonSerializer.SerializeToUtf8Bytes(new BillboardRecord
            {
                Version = snapshot.Version,
                ModelVersion = snapshot.ModelVersion,
                WindowStart = snapshot.WindowStart,
                Step = snapshot.Step,
                ReleasedAt = snapshot.ReleasedAt,
                Guarantee = snapshot.Guarantee,
                Cluster = c,
                Clusters = snapshot.Centroids.Length,
                Centroid = snapshot.Centroids[c],
                Items = snapshot.Items,
                Counts = snapshot.Counts[c],
            }, ContractsJsonContext.Default.BillboardRecord),
        })).ToList();
        await Task.WhenAll(deliveries).ConfigureAwait(false);
    }

    /// <summary>Whether <paramref name="version"/> is later than <paramref name="stored"/> (none stored: yes).</summary>
    private static bool IsNewer(string version, string? stored) =>
        stored is null || Parse(version).CompareTo(Parse(stored)) > 0;

    private static (long WindowStart, int Step) Parse(string version)
    {
        var dash = version.LastIndexOf('-');
        return dash > 0
            && long.TryParse(version.AsSpan(0, dash), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var w)
            && int.TryParse(version.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var s)
                ? (w, s)
                : (long.MinValue, 0);
    }
}
