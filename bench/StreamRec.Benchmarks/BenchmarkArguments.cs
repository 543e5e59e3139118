using System.Globalization;

namespace StreamRec.Benchmarks;

/// <summary>
/// <c>--name value</c> options of a subcommand. Every option must be read by the benchmark
/// (<see cref="ThrowIfUnused"/>), so a mistyped option is an error rather than a silently ignored default.
/// </summary>
internal sealed class BenchmarkArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public BenchmarkArguments(IReadOnlyList<string> arguments)
    {
        for (var i = 0; i < arguments.Count; i += 2)
        {
            var name = arguments[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || i + 1 >= arguments.Count)
            {
                throw new UsageException($"Expected '--option value' pairs, got '{string.Join(' ', arguments.Skip(i))}'.");
            }

            _values[name[2..]] = arguments[i + 1];
        }
    }

    public int GetInt(string name, int defaultValue)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var text))
        {
            return defaultValue;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"--{name} expects an integer, got '{text}'.");
    }

    /// <summary>The option's text, or null when it was not given.</summary>
    public string? GetString(string name)
    {
        _read.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public int[] GetInts(string name, int[] defaultValue)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var text))
        {
            return defaultValue;
        }

        return [.. text.Split(',').Select(part => int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"--{name} expects comma-separated integers, got '{text}'."))];
    }

    public void ThrowIfUnused()
    {
        var unknown = _values.Keys.Where(name => !_read.Contains(name)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"Unknown option(s): {string.Join(", ", unknown.Select(name => "--" + name))}.");
        }
    }
}
