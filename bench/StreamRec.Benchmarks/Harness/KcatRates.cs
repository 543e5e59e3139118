using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace StreamRec.Benchmarks.Harness;

/// <summary>
/// kcat producing and consuming against a broker, as bench/raw-limits.sh measures it: keyed 200-byte
/// records through stdin (<c>-P -K:</c>), then read back from the beginning to the end of every partition
/// (<c>-C -e</c>); the count read back is checked. Null when kcat is not installed.
/// </summary>
internal static class KcatRates
{
    public static (double Produce, double Consume)? Measure(string bootstrap, string topic, int messages)
    {
        var input = new StringBuilder(messages * 200);
        var pad = new string('x', 180);
        for (var i = 0; i < messages; i++)
        {
            input.Append(CultureInfo.InvariantCulture, $"user-{i % 5000}:{i}-{pad}\n");
        }

        var produce = Start(["-P", "-b", bootstrap, "-t", topic, "-K:", "-X", "linger.ms=5", "-X", "batch.num.messages=10000",
            "-X", "queue.buffering.max.messages=1000000", "-X", "topic.partitioner=murmur2_random"], redirectInput: true);
        if (produce is null)
        {
            return null;
        }

        var clock = Stopwatch.StartNew();
        produce.StandardInput.Write(input.ToString());
        produce.StandardInput.Close();
        produce.WaitForExit();
        var produceRate = messages / clock.Elapsed.TotalSeconds;
        if (produce.ExitCode != 0)
        {
            throw new InvalidOperationException($"kcat -P failed: {produce.StandardError.ReadToEnd()}");
        }

        produce.Dispose();

        using var consume = Start(["-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%o\n"], redirectInput: false)!;
        clock.Restart();
        var lines = 0;
        while (consume.StandardOutput.ReadLine() is not null)
        {
            lines++;
        }

        consume.WaitForExit();
        var consumeRate = lines / clock.Elapsed.TotalSeconds;
        return lines == messages ? (produceRate, consumeRate) : throw new InvalidOperationException($"kcat read {lines} of {messages} records");
    }

    private static Process? Start(string[] arguments, bool redirectInput)
    {
        var start = new ProcessStartInfo("kcat") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = redirectInput };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            return Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine("kcat not found (scripts/setup.sh installs it); skipping the kcat baseline");
            return null;
        }
    }
}
