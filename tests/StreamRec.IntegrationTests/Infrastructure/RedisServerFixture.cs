using StackExchange.Redis;
using StreamRec.Embedded;
using StreamRec.Storage;

namespace StreamRec.IntegrationTests.Infrastructure;

/// <summary>
/// A real redis-server on a free loopback port for a test collection. If redis-server is not installed
/// the fixture throws and every test using it fails: a missing server is never a skipped test.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServerProcess? _server;
    private ConnectionMultiplexer? _connection;

    public RedisServerProcess Server => _server ?? throw new InvalidOperationException("Redis fixture not started.");

    public ConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("Redis fixture not started.");

    public async Task InitializeAsync()
    {
        _server = await RedisServerProcess.StartAsync();
        _connection = await RedisConnector.ConnectAsync(new RedisOptions { Configuration = _server.ConnectionString });
    }

    public Task DisposeAsync()
    {
        _connection?.Dispose();
        _server?.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "redis server";
}
