using Microsoft.Extensions.Options;

namespace StreamRec.Storage;

/// <summary>Start-up validation of <see cref="RedisOptions"/>: every message names the configuration key; the password is never shown.</summary>
public sealed class RedisOptionsValidator : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string s = RedisOptions.SectionName;
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            errors.Add($"{s}:Configuration is required: host:port of the Redis server(s), e.g. redis:6379 (put the password in {s}:Password).");
        }
        else
        {
            try
            {
                StackExchange.Redis.ConfigurationOptions.Parse(options.Configuration);
            }
            catch (ArgumentException e)
            {
                errors.Add($"{s}:Configuration is not a valid StackExchange.Redis configuration string: {e.Message}");
            }
        }

        if (options.Database is < 0 or > 15)
        {
            errors.Add($"{s}:Database must be between 0 and 15 (is {options.Database}).");
        }

        if (options.ConnectTimeoutMs < 100)
        {
            errors.Add($"{s}:ConnectTimeoutMs must be at least 100 (is {options.ConnectTimeoutMs}).");
        }

        if (options.SyncTimeoutMs < 100)
        {
            errors.Add($"{s}:SyncTimeoutMs must be at least 100 (is {options.SyncTimeoutMs}).");
        }

        if (options.WaitReplicas is < 0 or > 16)
        {
            errors.Add($"{s}:WaitReplicas must be between 0 (no wait) and 16 (is {options.WaitReplicas}).");
        }

        if (options.WaitTimeoutMs < 1)
        {
            errors.Add($"{s}:WaitTimeoutMs must be at least 1 (is {options.WaitTimeoutMs}); Redis would read 0 as 'wait forever'.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
