using System.Globalization;

namespace StreamRec.Embedded;

/// <summary>A topic to create on the embedded broker, written on the command line as <c>name[:partitions]</c>.</summary>
public sealed record TopicSpec(string Name, int Partitions)
{
    public static TopicSpec Parse(string text, int defaultPartitions)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.LastIndexOf(':');
        var name = colon < 0 ? text : text[..colon];
        if (name.Length == 0 || name.Length > 249 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw new FormatException($"'{text}' is not a valid topic: names use letters, digits, '.', '_' and '-' (at most 249).");
        }

        if (colon < 0)
        {
            return new TopicSpec(name, defaultPartitions);
        }

        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var partitions) || partitions < 1)
        {
            throw new FormatException($"'{text}': the partition count after ':' must be a whole number >= 1.");
        }

        return new TopicSpec(name, partitions);
    }

    public override string ToString() => $"{Name}:{Partitions}";
}
