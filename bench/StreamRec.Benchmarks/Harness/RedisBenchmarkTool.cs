using System.Diagnostics;
using System.Globalization;

namespace StreamRec.Benchmarks.Harness;

/// <summary>Runs <c>redis-benchmark</c> (from redis-tools) against a server and reads its requests per second.</summary>
internal static class RedisBenchmarkTool
{
    /// <summary>One rate per repetition, each of <paramref name="requests"/> requests.</summary>
    public static List<double> Rates(int port, int repetitions, string[] arguments, int requests = 200_000)
    {
        var rates = new List<double>();
        for (var r = 0; r < repetitions; r++)
        {
            var start = new ProcessStartInfo("redis-benchmark") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in (string[])["-p", port.ToString(CultureInfo.InvariantCulture), "-q", "-n", requests.ToString(CultureInfo.InvariantCulture), .. arguments])
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("redis-benchmark did not start");
            var text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            // The last line reads "HSET: 1335466.75 requests per second, p50=2.111 msec" (progress lines before it end in \r).
            var last = text.Replace('\r', '\n').Split('\n').LastOrDefault(l => l.Contains("requests per second", StringComparison.Ordinal))
                ?? throw new InvalidOperationException($"redis-benchmark printed no rate: {text}");
            var number = last[..last.IndexOf(" requests per second", StringComparison.Ordinal)].Split(' ')[^1];
            rates.Add(double.Parse(number, CultureInfo.InvariantCulture));
        }

        return rates;
    }
}
