using StackExchange.Redis;
using StreamRec.IntegrationTests.Infrastructure;

namespace StreamRec.IntegrationTests.Redis;

[Collection(RedisCollection.Name)]
public sealed class RedisClientTests(RedisServerFixture redis)
{
    [Fact]
    public async Task Pipelined_hash_writes_all_land()
    {
        var db = redis.Connection.GetDatabase();
        var prefix = UniqueNames.Next("pipe");
        var batch = db.CreateBatch();
        var writes = Enumerable.Range(0, 1_000)
            .Select(i => batch.HashSetAsync($"{{{prefix}}}:{i % 10}", $"f{i}", i))
            .ToList();
        batch.Execute();
        await Task.WhenAll(writes);

        for (var k = 0; k < 10; k++)
        {
            var entries = await db.HashGetAllAsync($"{{{prefix}}}:{k}");
            Assert.Equal(100, entries.Length);
            Assert.All(entries, e => Assert.Equal(int.Parse(((string)e.Name!)[1..], System.Globalization.CultureInfo.InvariantCulture), (int)e.Value));
        }
    }

    [Fact]
    public async Task Lua_script_applies_an_offset_once()
    {
        // The shape of the drift detector's idempotent update: apply only offsets beyond the last applied.
        const string script = """
            local last = tonumber(redis.call('HGET', KEYS[1], 'off') or '-1')
            if tonumber(ARGV[1]) <= last then return 0 end
            redis.call('HINCRBY', KEYS[1], 'n', 1)
            redis.call('HSET', KEYS[1], 'off', ARGV[1])
            return 1
            """;
        var db = redis.Connection.GetDatabase();
        RedisKey key = UniqueNames.Next("lua");

        var applied = new List<int>();
        foreach (var offset in new[] { 5, 6, 6, 5, 7 })
        {
            applied.Add((int)await db.ScriptEvaluateAsync(script, [key], [offset]));
        }

        Assert.Equal([1, 1, 0, 0, 1], applied);
        Assert.Equal(3, (int)await db.HashGetAsync(key, "n"));
        Assert.Equal(7, (int)await db.HashGetAsync(key, "off"));
    }

    [Fact]
    public async Task Key_with_ttl_expires()
    {
        var db = redis.Connection.GetDatabase();
        RedisKey key = UniqueNames.Next("ttl");
        await db.HashSetAsync(key, "v", 1);
        await db.KeyExpireAsync(key, TimeSpan.FromMilliseconds(800));

        var ttl = await db.KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(800));
        await Eventually.TrueAsync(async () => !await db.KeyExistsAsync(key), TimeSpan.FromSeconds(10), "the key expires");
    }

    [Fact]
    public async Task Data_written_with_append_only_file_survives_a_crash_and_restart()
    {
        using var server = await StreamRec.Embedded.RedisServerProcess.StartAsync(new StreamRec.Embedded.RedisServerOptions { AppendOnly = true });
        using (var connection = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString))
        {
            var db = connection.GetDatabase();
            await db.StringSetAsync("survivor", "42");
        }

        // The write is in the append-only file (redis 7: appendonlydir/*.incr.aof) before the kill -9.
        await Eventually.TrueAsync(() => AofContains(server.DataDirectory, "survivor"), TimeSpan.FromSeconds(10), "the write reaches the AOF");
        await server.CrashAndRestartAsync();

        using var reconnected = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        Assert.Equal("42", (string?)await reconnected.GetDatabase().StringGetAsync("survivor"));
    }

    private static bool AofContains(string directory, string text) =>
        Directory.EnumerateFiles(directory, "*.incr.aof", SearchOption.AllDirectories)
            .Any(f => File.ReadAllText(f).Contains(text, StringComparison.Ordinal));
}
