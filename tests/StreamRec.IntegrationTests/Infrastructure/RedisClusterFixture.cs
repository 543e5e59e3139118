using StackExchange.Redis;
using StreamRec.Embedded;
using StreamRec.Storage;

namespace StreamRec.IntegrationTests.Infrastructure;

/// <summary>
/// A real three-master Redis Cluster (each master with one replica) on loopback ports for a test
/// collection, and a StackExchange.Redis connection given every node, as a worker is. If redis-server
/// or redis-cli is not installed the fixture throws: a missing server is never a skipped test.
/// </summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    private RedisClusterProcess? _cluster;
    private ConnectionMultiplexer? _connection;

    public RedisClusterProcess Cluster => _cluster ?? throw new InvalidOperationException("Redis Cluster fixture not started.");

    public ConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("Redis Cluster fixture not started.");

    public async Task InitializeAsync()
    {
        _cluster = await RedisClusterProcess.StartAsync();
        _connection = await RedisConnector.ConnectAsync(new RedisOptions { Configuration = _cluster.ConnectionString });
    }

    public Task DisposeAsync()
    {
        _connection?.Dispose();
        _cluster?.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "redis cluster";
}
