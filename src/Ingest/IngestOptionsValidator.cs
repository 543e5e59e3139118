using Microsoft.Extensions.Options;

namespace StreamRec.Ingest;

/// <summary>Start-up validation of <see cref="IngestOptions"/>: every message names the configuration key.</summary>
public sealed class IngestOptionsValidator : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        const string s = IngestOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.PseudonymKey))
        {
            errors.Add($"{s}:PseudonymKey is required: a base64 secret of at least 32 bytes (e.g. `openssl rand -base64 32`), kept in a Secret.");
        }
        else if (!TryDecode(options.PseudonymKey, out var key))
        {
            errors.Add($"{s}:PseudonymKey is not valid base64.");
        }
        else if (key.Length < 32)
        {
            errors.Add($"{s}:PseudonymKey must decode to at least 32 bytes (it has {key.Length}).");
        }

        if (options.PseudonymBytes is < 8 or > 32)
        {
            errors.Add($"{s}:PseudonymBytes must be between 8 and 32 (is {options.PseudonymBytes}).");
        }

        if (options.MaxEventBytes is < 256 or > 1024 * 1024)
        {
            errors.Add($"{s}:MaxEventBytes must be between 256 and 1048576 (is {options.MaxEventBytes}).");
        }

        if (options.EventTypeWeights.Count == 0)
        {
            errors.Add($"{s}:EventTypeWeights must list at least one event type.");
        }

        foreach (var (type, weight) in options.EventTypeWeights)
        {
            if (!(weight > 0 && weight <= 1))
            {
                errors.Add($"{s}:EventTypeWeights:{type} must be in (0, 1] (is {weight}).");
            }
        }

        if (options.MaxClockSkew < TimeSpan.Zero)
        {
            errors.Add($"{s}:MaxClockSkew must not be negative.");
        }

        if (options.MaxEventAge is { } age && age <= TimeSpan.Zero)
        {
            errors.Add($"{s}:MaxEventAge must be positive when set.");
        }

        if (options.MaxIdLength < 1)
        {
            errors.Add($"{s}:MaxIdLength must be >= 1.");
        }

        if (options.MaxListItems < 0)
        {
            errors.Add($"{s}:MaxListItems must be >= 0.");
        }

        if (options.MaxBatchSize < 1)
        {
            errors.Add($"{s}:MaxBatchSize must be >= 1.");
        }

        if (string.IsNullOrWhiteSpace(options.GroupId))
        {
            errors.Add($"{s}:GroupId is required.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static bool TryDecode(string base64, out byte[] bytes)
    {
        bytes = new byte[base64.Length];
        if (Convert.TryFromBase64String(base64.Trim(), bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        bytes = [];
        return false;
    }
}
