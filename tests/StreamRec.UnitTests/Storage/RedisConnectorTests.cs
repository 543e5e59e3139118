using System.Net;
using StreamRec.Storage;

namespace StreamRec.UnitTests.Storage;

public sealed class RedisConnectorTests
{
    [Fact]
    public void Options_map_onto_the_client_configuration()
    {
        var configuration = RedisConnector.ToConfiguration(new RedisOptions
        {
            Configuration = "redis-0:6379,redis-1:6380",
            Password = "s3cret",
            Tls = true,
            Database = 3,
            ConnectTimeoutMs = 1234,
            SyncTimeoutMs = 4321,
        });

        Assert.Equal(["redis-0:6379", "redis-1:6380"], configuration.EndPoints.Cast<DnsEndPoint>().Select(e => $"{e.Host}:{e.Port}"));
        Assert.Equal("s3cret", configuration.Password);
        Assert.True(configuration.Ssl);
        Assert.Equal(3, configuration.DefaultDatabase);
        Assert.Equal(1234, configuration.ConnectTimeout);
        Assert.Equal(4321, configuration.SyncTimeout);
        Assert.False(configuration.AbortOnConnectFail);
    }

    [Fact]
    public void Empty_configuration_is_a_clear_error_naming_the_key()
    {
        var error = Assert.Throws<ArgumentException>(() => RedisConnector.ToConfiguration(new RedisOptions()));
        Assert.Contains("Redis:Configuration", error.Message, StringComparison.Ordinal);
    }
}
