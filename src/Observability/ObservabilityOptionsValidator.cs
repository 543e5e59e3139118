using System.Net;
using Microsoft.Extensions.Options;

namespace StreamRec.Observability;

/// <summary>Start-up validation of <see cref="ObservabilityOptions"/>: every message names the configuration key.</summary>
public sealed class ObservabilityOptionsValidator : IValidateOptions<ObservabilityOptions>
{
    public ValidateOptionsResult Validate(string? name, ObservabilityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string s = ObservabilityOptions.SectionName;
        var errors = new List<string>();
        Check(IPAddress.TryParse(options.ListenAddress, out _), $"{s}:ListenAddress must be an IP address such as 0.0.0.0 or 127.0.0.1 (is '{options.ListenAddress}').");
        Check(options.Port is >= 1 and <= 65535, $"{s}:Port must be between 1 and 65535 (is {options.Port}).");
        Check(options.ReadinessInterval >= TimeSpan.FromMilliseconds(100), $"{s}:ReadinessInterval must be at least 100 ms (is {options.ReadinessInterval}).");
        Check(options.RedisCheckTimeout > TimeSpan.Zero, $"{s}:RedisCheckTimeout must be positive (is {options.RedisCheckTimeout}).");
        Check(options.KafkaStatisticsMaxAge >= TimeSpan.FromSeconds(1), $"{s}:KafkaStatisticsMaxAge must be at least 1 s (is {options.KafkaStatisticsMaxAge}).");
        var otlp = options.Otlp;
        if (otlp.Enabled)
        {
            Check(Uri.TryCreate(otlp.Endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https",
                $"{s}:Otlp:Endpoint must be an absolute http(s) URL (is '{otlp.Endpoint}').");
            Check(otlp.Protocol is OtlpExportOptions.Grpc or OtlpExportOptions.HttpProtobuf,
                $"{s}:Otlp:Protocol must be '{OtlpExportOptions.Grpc}' or '{OtlpExportOptions.HttpProtobuf}' (is '{otlp.Protocol}').");
            Check(otlp.ExportInterval >= TimeSpan.FromSeconds(1), $"{s}:Otlp:ExportInterval must be at least 1 s (is {otlp.ExportInterval}).");
            Check(otlp.Headers.Length == 0 || otlp.Headers.Split(',').All(h => h.IndexOf('=', StringComparison.Ordinal) > 0),
                $"{s}:Otlp:Headers must be key=value pairs separated by commas.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void Check(bool valid, string message)
        {
            if (!valid)
            {
                errors.Add(message);
            }
        }
    }
}
