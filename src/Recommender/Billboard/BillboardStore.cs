using System.Buffers.Binary;
using System.Globalization;
using StackExchange.Redis;
using StreamRec.Recommender.Privacy;
using StreamRec.Storage;

namespace StreamRec.Recommender.Billboard;

/// <summary>
/// The billboard's Redis I/O (layout: <see cref="BillboardKeys"/>). All state that decides what is
/// counted and what noise is added lives here, in Redis, not in a process: so a restarted worker or a
/// second replica counts no user twice and never draws a node's noise again.
/// </summary>
public sealed class BillboardStore
{
    /// <summary>
    /// The contribution bound, atomic per batch. KEYS[1]: the window's count hash; KEYS[2..]: the users'
    /// records. ARGV[1] L, ARGV[2] time to live (ms), then (user's key index, cluster, item) per event.
    /// A user's cluster is the one stored on their first contribution to the window; an item counts only
    /// when it is not counted for the user yet and the user has fewer than L items. Idempotent under
    /// replay: a replayed event finds its item already in the user's record and counts nothing.
    /// Returns {counted, already counted, refused by the bound}.
    /// </summary>
    public const string CountScript = """
        local limit = tonumber(ARGV[1])
        local ttl = tonumber(ARGV[2])
        local counted, duplicate, refused = 0, 0, 0
        for a = 3, #ARGV, 3 do
          local key = KEYS[tonumber(ARGV[a]) + 2]
          local cluster = redis.call('HGET', key, 'cluster')
          if not cluster then
            cluster = ARGV[a + 1]
            redis.call('HSET', key, 'cluster', cluster)
            redis.call('PEXPIRE', key, ttl)
          end
          local field = 'item:' .. ARGV[a + 2]
          if redis.call('HEXISTS', key, field) == 1 then
            duplicate = duplicate + 1
          elseif redis.call('HLEN', key) - 1 >= limit then
            refused = refused + 1
          else
            redis.call('HSET', key, field, 1)
            redis.call('HINCRBY', KEYS[1], cluster .. ':' .. ARGV[a + 2], 1)
            counted = counted + 1
          end
        end
        if counted > 0 then
          redis.call('PEXPIRE', KEYS[1], ttl)
        end
        return {counted, duplicate, refused}
        """;

    /// <summary>
    /// Stores a window's release unless one of a later step is there already (a slow replica must not
    /// replace a newer release). KEYS[1] release, KEYS[2] its step; ARGV step, counts, time to live (ms).
    /// </summary>
    public const string StoreReleaseScript = """
        local step = tonumber(redis.call('GET', KEYS[2]) or '0')
        if step >= tonumber(ARGV[1]) then
          return 0
        end
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
        return 1
        """;

    private readonly IDatabase _database;
    private readonly BillboardOptions _options;
    private readonly TimeSpan _ttl;
    private readonly Dictionary<(string Model, long Window), BillboardFrame> _frames = [];
    private readonly Lock _framesGate = new(); // the counting loop and the release loop share the store

    public BillboardStore(IDatabase database, BillboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        _database = database;
        _options = options;
        _ttl = options.Window * 2;
    }

    public IDatabase Database => _database;

    /// <summary>Notes model versions seen in events: the releaser releases a billboard for each.</summary>
    public Task AddModelsAsync(IEnumerable<string> models) =>
        _database.SetAddAsync(BillboardKeys.Models, [.. models.Select(m => (RedisValue)m)]);

    public async Task<string[]> ModelsAsync() =>
        [.. (await _database.SetMembersAsync(BillboardKeys.Models).ConfigureAwait(false)).Select(m => (string)m!).Order(StringComparer.Ordinal)];

    /// <summary>
    /// The window's frame: the one stored, or else made now from the public catalog and stored (SET NX,
    /// so every replica ends up with the first one written). Null while the model's public catalog is empty.
    /// </summary>
    /// <exception cref="RedisException">Redis is unreachable or a command failed.</exception>
    public async Task<BillboardFrame?> FrameAsync(string model, long windowStart)
    {
        if (await ExistingFrameAsync(model, windowStart).ConfigureAwait(false) is { } existing)
        {
            return existing;
        }

        var (items, vectors) = await CatalogAsync(model).ConfigureAwait(false);
        if (items.Length == 0)
        {
            return null;
        }

        var centroids = await CentroidsAsync(model, vectors).ConfigureAwait(false);
        var key = BillboardKeys.Frame(model, windowStart);
        await _database.StringSetAsync(key, new BillboardFrame(items, centroids).Write(), _ttl, When.NotExists).ConfigureAwait(false);
        return await ExistingFrameAsync(model, windowStart).ConfigureAwait(false);
    }

    /// <summary>The window's frame when one was made, else null (cached: a frame never changes).</summary>
    public async Task<BillboardFrame?> ExistingFrameAsync(string model, long windowStart)
    {
        lock (_framesGate)
        {
            if (_frames.TryGetValue((model, windowStart), out var cached))
            {
                return cached;
            }
        }

        var value = await _database.StringGetAsync(BillboardKeys.Frame(model, windowStart)).ConfigureAwait(false);
        if (value.IsNull)
        {
            return null;
        }

        var frame = BillboardFrame.Read((byte[])value!);
        lock (_framesGate)
        {
            // Frames of windows long past are of no more use: keep the cache to the recent ones.
            foreach (var old in _frames.Keys.Where(k => k.Window < windowStart - (2 * (long)_options.Window.TotalMilliseconds)).ToList())
            {
                _frames.Remove(old);
            }

            _frames[(model, windowStart)] = frame;
        }

        return frame;
    }

    /// <summary>Runs <see cref="CountScript"/> for one window's events of a batch.</summary>
    /// <param name="model">The encoder model version of the events.</param>
    /// <param name="windowStart">The window they are counted in, unix ms.</param>
    /// <param name="users">The distinct users of the events, with the cluster each would get now.</param>
    /// <param name="events">(index into <paramref name="users"/>, item) per event, in order.</param>
    /// <returns>How many events were counted, were already counted, were refused by the bound.</returns>
    public async Task<(long Counted, long Duplicate, long Refused)> CountAsync(
        string model, long windowStart, IReadOnlyList<(string User, int Cluster)> users, IReadOnlyList<(int User, string Item)> events)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(events);
        var keys = new RedisKey[users.Count + 1];
        keys[0] = BillboardKeys.Counts(model, windowStart);
        for (var u = 0; u < users.Count; u++)
        {
            keys[u + 1] = BillboardKeys.User(model, windowStart, users[u].User);
        }

        var arguments = new RedisValue[2 + (3 * events.Count)];
        arguments[0] = _options.MaxItemsPerUser;
        arguments[1] = (long)_ttl.TotalMilliseconds;
        for (var e = 0; e < events.Count; e++)
        {
            arguments[2 + (3 * e)] = events[e].User;
            arguments[3 + (3 * e)] = users[events[e].User].Cluster;
            arguments[4 + (3 * e)] = events[e].Item;
        }

        var result = (RedisResult[])(await _database.ScriptEvaluateAsync(CountScript, keys, arguments).ConfigureAwait(false))!;
        return ((long)result[0], (long)result[1], (long)result[2]);
    }

    /// <summary>The window's exact counts so far, per cell of <paramref name="frame"/> (a count of an item not in it is ignored).</summary>
    public async Task<long[]> ExactCountsAsync(string model, long windowStart, BillboardFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var exact = new long[frame.Cells];
        foreach (var entry in await _database.HashGetAllAsync(BillboardKeys.Counts(model, windowStart)).ConfigureAwait(false))
        {
            var name = (string)entry.Name!;
            var colon = name.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0
                && int.TryParse(name.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var cluster) && cluster < frame.Clusters
                && frame.IndexOf(name[(colon + 1)..]) is >= 0 and var item)
            {
                exact[(cluster * frame.Items.Length) + item] = (long)entry.Value;
            }
        }

        return exact;
    }

    /// <summary>
    /// The noise of one tree node for every cell: drawn here (discrete Laplace of <paramref name="scale"/>
    /// from the CSPRNG) only if no replica stored it yet, and stored with SET NX, then read back, so all
    /// releases of the window use the first draw and a node's noise is never drawn twice into a release.
    /// </summary>
    public async Task<int[]> NodeNoiseAsync(string model, long windowStart, (int Level, int Index) node, int cells, long scale, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var key = BillboardKeys.Noise(model, windowStart, node.Level, node.Index);
        var stored = await _database.StringGetAsync(key).ConfigureAwait(false);
        if (stored.IsNull)
        {
            var drawn = new byte[cells * sizeof(int)];
            for (var cell = 0; cell < cells; cell++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(drawn.AsSpan(cell * sizeof(int)), checked((int)DiscreteLaplace.Sample(random, scale)));
            }

            await _database.StringSetAsync(key, drawn, _ttl, When.NotExists).ConfigureAwait(false);
            stored = await _database.StringGetAsync(key).ConfigureAwait(false);
        }

        var bytes = (byte[])stored!;
        if (bytes.Length != cells * sizeof(int))
        {
            throw new InvalidDataException($"A stored billboard node holds {bytes.Length / sizeof(int)} cells; the window has {cells}.");
        }

        var noise = new int[cells];
        for (var cell = 0; cell < cells; cell++)
        {
            noise[cell] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(cell * sizeof(int)));
        }

        return noise;
    }

    /// <summary>Claims the release of the step (SET NX): true for exactly one caller, whoever asks first.</summary>
    public Task<bool> TryLockAsync(string model, long windowStart, int step, string owner) =>
        _database.StringSetAsync(BillboardKeys.Lock(model, windowStart, step), owner, _ttl, When.NotExists);

    /// <summary>Whether step's release was claimed (by anyone).</summary>
    public Task<bool> IsLockedAsync(string model, long windowStart, int step) =>
        _database.KeyExistsAsync(BillboardKeys.Lock(model, windowStart, step));

    /// <summary>Stores the window's release of <paramref name="step"/> unless a later step's is stored already.</summary>
    public async Task<bool> StoreReleaseAsync(string model, long windowStart, int step, long[][] counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var cells = counts.SelectMany(row => row).ToArray();
        var bytes = new byte[cells.Length * sizeof(long)];
        for (var i = 0; i < cells.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), cells[i]);
        }

        var stored = await _database.ScriptEvaluateAsync(StoreReleaseScript,
            [BillboardKeys.Release(model, windowStart), BillboardKeys.ReleaseStep(model, windowStart)],
            [step, bytes, (long)(_options.Window * 3).TotalMilliseconds]).ConfigureAwait(false);
        return (int)stored == 1;
    }

    /// <summary>The window's latest stored release as k rows aligned with <paramref name="frame"/>'s items, or null.</summary>
    public async Task<long[][]?> ReadReleaseAsync(string model, long windowStart, BillboardFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var value = await _database.StringGetAsync(BillboardKeys.Release(model, windowStart)).ConfigureAwait(false);
        if (value.IsNull)
        {
            return null;
        }

        var bytes = (byte[])value!;
        if (bytes.Length != frame.Cells * sizeof(long))
        {
            throw new InvalidDataException($"A stored billboard release holds {bytes.Length / sizeof(long)} cells; its window has {frame.Cells}.");
        }

        var n = frame.Items.Length;
        return [.. Enumerable.Range(0, frame.Clusters).Select(c =>
            Enumerable.Range(0, n).Select(i => BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(((c * n) + i) * sizeof(long)))).ToArray())];
    }

    /// <summary>The model's public catalog items (ordinal order) with their vectors, those of the most common dimension.</summary>
    private async Task<(string[] Items, float[][] Vectors)> CatalogAsync(string model)
    {
        var ids = (await _database.SetMembersAsync(ItemCatalogKeys.ItemsOfModel(model)).ConfigureAwait(false))
            .Select(m => (string)m!).Order(StringComparer.Ordinal).ToArray();
        var batch = _database.CreateBatch();
        var pending = ids.Select(id => batch.HashGetAsync(ItemCatalogKeys.Item(id), ItemCatalogKeys.VectorField)).ToArray();
        batch.Execute();
        var values = await Task.WhenAll(pending).ConfigureAwait(false);
        var vectors = new List<(string Item, float[] Vector)>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            if (!values[i].IsNull && ((byte[])values[i]!).Length is > 0 and var length && length % sizeof(float) == 0)
            {
                vectors.Add((ids[i], ItemCatalogReader.ReadVector((byte[])values[i]!)));
            }
        }

        if (vectors.Count == 0)
        {
            return ([], []);
        }

        // Items of another dimension cannot be clustered with the rest (a catalog being re-embedded).
        var dimension = vectors.GroupBy(v => v.Vector.Length).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
        var kept = vectors.Where(v => v.Vector.Length == dimension).ToList();
        return ([.. kept.Select(v => v.Item)], [.. kept.Select(v => v.Vector)]);
    }

    /// <summary>The centroids of a catalog of this size: stored ones, or computed now and stored (SET NX) for every replica.</summary>
    private async Task<float[][]> CentroidsAsync(string model, float[][] vectors)
    {
        var key = BillboardKeys.Centroids(model, vectors.Length);
        var stored = await _database.StringGetAsync(key).ConfigureAwait(false);
        if (stored.IsNull)
        {
            var computed = BillboardClustering.Centroids(vectors, _options.Clusters);
            await _database.StringSetAsync(key, BillboardFrame.WriteCentroids(computed), _options.Window * 7, When.NotExists).ConfigureAwait(false);
            stored = await _database.StringGetAsync(key).ConfigureAwait(false);
        }

        var centroids = BillboardFrame.ReadCentroids((byte[])stored!);
        return centroids.Length > 0 && centroids[0].Length == vectors[0].Length ? centroids : BillboardClustering.Centroids(vectors, _options.Clusters);
    }
}
