using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace StreamRec.Storage;

/// <summary>Registers the process's one <see cref="RedisConnection"/>; the host configures <see cref="RedisOptions"/>.</summary>
public static class RedisServiceCollectionExtensions
{
    public static IServiceCollection AddRedisConnection(this IServiceCollection services)
    {
        services.TryAddSingleton<RedisConnection>();
        return services;
    }
}
