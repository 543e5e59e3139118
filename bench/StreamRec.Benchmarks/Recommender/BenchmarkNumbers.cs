using System.Globalization;
using StreamRec.Recommender.Privacy;

namespace StreamRec.Benchmarks.Recommender;

/// <summary>Small helpers the Recommender benchmarks share: a double option, Gaussian test vectors, medians.</summary>
internal static class BenchmarkNumbers
{
    public static double GetDouble(BenchmarkArguments arguments, string name, double defaultValue)
    {
        var text = arguments.GetString(name);
        if (text is null)
        {
            return defaultValue;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"--{name} expects a number, got '{text}'.");
    }

    public static double[] GetDoubles(BenchmarkArguments arguments, string name, double[] defaultValue)
    {
        var text = arguments.GetString(name);
        if (text is null)
        {
            return defaultValue;
        }

        return [.. text.Split(',').Select(part => double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"--{name} expects comma-separated numbers, got '{text}'."))];
    }

    /// <summary>A standard normal value (Box-Muller on 53-bit uniforms) for synthetic test vectors; never for noise.</summary>
    public static float Gaussian(IRandomSource random)
    {
        var u1 = ((random.NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));
        var u2 = (random.NextUInt64() >> 11) * (1.0 / (1UL << 53));
        return (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}
