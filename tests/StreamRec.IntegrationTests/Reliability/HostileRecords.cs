using System.Globalization;
using System.Text;

namespace StreamRec.IntegrationTests.Reliability;

/// <summary>
/// Generates malformed raw records, each invalid by construction, in ten families: random bytes,
/// truncated events, wrong types, oversized values, invalid UTF-8, deep nesting, numbers out of range,
/// duplicate fields, missing required fields, and unknown event types or bad ids. Seeded: the same seed
/// gives the same records.
/// </summary>
internal static class HostileRecords
{
    public static IReadOnlyList<string> Families { get; } =
    [
        "random_bytes", "truncated", "wrong_type", "huge", "invalid_utf8", "deep_nesting", "out_of_range", "duplicate_field", "missing_field", "bad_value",
    ];

    public static List<(string Family, byte[] Value)> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var records = new List<(string, byte[])>(count);
        for (var i = 0; i < count; i++)
        {
            var family = Families[i % Families.Count];
            records.Add((family, Make(family, i, random)));
        }

        return records;
    }

    private static string Valid(int i, string? replace = null, string? with = null)
    {
        var json = string.Create(CultureInfo.InvariantCulture,
            $$"""{"event_id":"h{{i}}","user_id":"u{{i % 97}}","item_id":"m{{i % 31}}","type":"click","ts":1600000000000,"title":"T {{i}}","categories":["Drama"]}""");
        return replace is null ? json : json.Replace(replace, with, StringComparison.Ordinal);
    }

    private static byte[] Make(string family, int i, Random random)
    {
        switch (family)
        {
            case "random_bytes":
                var bytes = new byte[random.Next(1, 600)];
                random.NextBytes(bytes);
                bytes[0] = (byte)random.Next(0x80, 0x100); // never '{': not even the start of a JSON object
                return bytes;
            case "truncated":
                var full = Encoding.UTF8.GetBytes(Valid(i));
                return full[..random.Next(1, full.Length - 1)];
            case "wrong_type":
                return Encoding.UTF8.GetBytes((i / Families.Count % 5) switch
                {
                    0 => Valid(i, $"\"user_id\":\"u{i % 97}\"", "\"user_id\":42"),
                    1 => Valid(i, "\"ts\":1600000000000", "\"ts\":\"yesterday\""),
                    2 => Valid(i, "\"categories\":[\"Drama\"]", "\"categories\":\"Drama\""),
                    3 => Valid(i, "\"type\":\"click\"", "\"type\":[\"click\"]"),
                    _ => Valid(i, $"\"event_id\":\"h{i}\"", "\"event_id\":{\"id\":1}"),
                });
            case "huge":
                return Encoding.UTF8.GetBytes(Valid(i, $"\"title\":\"T {i}\"", $"\"title\":\"{new string('x', 20_000 + random.Next(50_000))}\""));
            case "invalid_utf8":
                var text = Encoding.UTF8.GetBytes(Valid(i));
                text[random.Next(2, text.Length - 2)] = (byte)(0xC0 | random.Next(2)); // an overlong-encoding lead byte, never valid
                return text;
            case "deep_nesting":
                var depth = 64 + random.Next(2000);
                return Encoding.UTF8.GetBytes(Valid(i, "\"categories\":[\"Drama\"]", "\"extra\":" + new string('[', depth) + new string(']', depth) + ",\"categories\":[\"Drama\"]"));
            case "out_of_range":
                return Encoding.UTF8.GetBytes((i / Families.Count % 3) switch
                {
                    0 => Valid(i, "\"ts\":1600000000000", "\"ts\":1e30"),
                    1 => Valid(i, "\"ts\":1600000000000", "\"ts\":-5"),
                    _ => Valid(i, "\"ts\":1600000000000", "\"ts\":99999999999999999999999"),
                });
            case "duplicate_field":
                return Encoding.UTF8.GetBytes(Valid(i, "\"type\":\"click\"", "\"type\":\"click\",\"type\":\"view\""));
            case "missing_field":
                var field = new[] { $"\"user_id\":\"u{i % 97}\",", $"\"item_id\":\"m{i % 31}\",", $"\"event_id\":\"h{i}\",", "\"type\":\"click\"," }[i / Families.Count % 4];
                return Encoding.UTF8.GetBytes(Valid(i, field, ""));
            default: // bad_value
                return Encoding.UTF8.GetBytes((i / Families.Count % 3) switch
                {
                    0 => Valid(i, "\"type\":\"click\"", "\"type\":\"teleport\""),
                    1 => Valid(i, $"\"user_id\":\"u{i % 97}\"", $"\"user_id\":\"{new string('u', 300)}\""),
                    _ => Valid(i, $"\"item_id\":\"m{i % 31}\"", "\"item_id\":\"\""),
                });
        }
    }
}
