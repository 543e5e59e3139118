using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace StreamRec.Cli.Hosting;

/// <summary>
/// Binds and validates one options type now, collecting what is wrong instead of throwing, so that a
/// start-up reports every bad key at once.
/// </summary>
public static class OptionsProbe
{
    public static TOptions? TryGet<TOptions>(IServiceProvider services, IConfiguration configuration, string section, List<string> errors)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(errors);
        var unknown = UnknownKeys.Find(configuration.GetSection(section), typeof(TOptions)).ToList();
        if (unknown.Count > 0)
        {
            errors.AddRange(unknown.Select(k => $"{k} is not a configuration key of StreamRec (mistyped?)."));
            return null;
        }

        try
        {
            return services.GetRequiredService<IOptions<TOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            errors.AddRange(e.Failures);
        }
        catch (InvalidOperationException e)
        {
            // The binder: a key that matches no option (ErrorOnUnknownConfiguration) or a value that does not convert.
            errors.Add(e.Message);
        }

        return null;
    }

    /// <exception cref="ConfigurationException">Any error was collected.</exception>
    public static void ThrowIfAny(List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count > 0)
        {
            throw new ConfigurationException(string.Join(Environment.NewLine, errors.Distinct()));
        }
    }
}
