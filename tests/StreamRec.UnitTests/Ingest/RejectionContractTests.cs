using StreamRec.TestSupport;
using System.Text;
using System.Text.RegularExpressions;
using StreamRec.Ingest;

namespace StreamRec.UnitTests.Ingest;

/// <summary>
/// The dead-letter contract of docs/events.md ("Rejections"), row by row, against the validator: every
/// documented reason and detail is produced by some record, and every rejection below is documented, so
/// the page and the code cannot drift apart again.
/// </summary>
public sealed partial class RejectionContractTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly RawEventValidator Validator = new(new IngestOptions { MaxEventBytes = 2048 }, new FixedTimeProvider(Now));

    private const string Valid =
        """{"schema_version":1,"event_id":"e-1","user_id":"u-1","item_id":"296","type":"click","ts":1700000000000,"title":"Pulp Fiction (1994)","categories":["Crime"],"tags":["cult"],"price":3.5}""";

    /// <summary>One record for each rule, and one of each field of the wrong type.</summary>
    private static readonly byte[][] Records = [.. Texts().Select(Encoding.UTF8.GetBytes), [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D]];

    private static string[] Texts() =>
    [
        "",
        "{\"event_id\":\"" + new string('x', 3000) + "\"}",
        "[1,2,3]",
        "{\"event_id\":\"e\",",
        Valid[..^1] + ",\"x\":[[[[[[[[[1]]]]]]]]]}",
        "{\"ts\":1,\"ts\":2}",
        With("\"schema_version\":1", "\"schema_version\":\"1\""),
        With("\"event_id\":\"e-1\"", "\"event_id\":1"),
        With("\"user_id\":\"u-1\"", "\"user_id\":{}"),
        With("\"item_id\":\"296\"", "\"item_id\":296"),
        With("\"type\":\"click\"", "\"type\":[\"click\"]"),
        With("\"ts\":1700000000000", "\"ts\":true"),
        With("\"ts\":1700000000000", "\"ts\":{\"ms\":1}"),
        With("\"title\":\"Pulp Fiction (1994)\"", "\"title\":false"),
        With("\"categories\":[\"Crime\"]", "\"categories\":\"Crime\""),
        With("\"tags\":[\"cult\"]", "\"tags\":[7]"),
        With("\"price\":3.5", "\"price\":\"cheap\""),
        With("\"tags\":[\"cult\"]", "\"tags\":[\"cult\",null]"),
        With("\"schema_version\":1", "\"schema_version\":2"),
        With("\"user_id\":\"u-1\"", "\"user_id\":null"),
        With("\"item_id\":\"296\"", "\"item_id\":\" \""),
        With("\"event_id\":\"e-1\"", $"\"event_id\":\"{new string('e', 300)}\""),
        With("\"type\":\"click\"", "\"type\":\"like\""),
        With("\"ts\":1700000000000", "\"ts\":\"yesterday\""),
        With("\"ts\":1700000000000", "\"ts\":1.5"),
        With("\"ts\":1700000000000", "\"ts\":631152000000"),
        With("\"ts\":1700000000000", $"\"ts\":{Now.AddHours(1).ToUnixTimeMilliseconds()}"),
        With("\"categories\":[\"Crime\"]", "\"categories\":[" + string.Join(",", Enumerable.Range(0, 65).Select(i => $"\"c{i}\"")) + "]"),
        With("\"tags\":[\"cult\"]", "\"tags\":[\"\"]"),
        With("\"title\":\"Pulp Fiction (1994)\"", $"\"title\":\"{new string('t', 1025)}\""),
        With("\"price\":3.5", "\"price\":-1"),
    ];

    [Fact]
    public void Every_reason_of_the_code_is_documented_and_every_documented_reason_exists()
    {
        var documented = DocumentedRejections().Select(r => r.Reason).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(RejectionReasons.All.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_rejection_is_documented_with_its_reason_and_detail()
    {
        var documented = DocumentedRejections();
        var undocumented = new List<string>();
        foreach (var record in Records)
        {
            var result = Validator.Validate(record);
            Assert.False(result.IsValid, $"{Shorten(record)} is valid");
            if (!documented.Any(d => d.Reason == result.Reason && d.Detail.IsMatch(result.Detail!)))
            {
                undocumented.Add($"{result.Reason} | {result.Detail}   (from {Shorten(record)})");
            }
        }

        Assert.True(undocumented.Count == 0, "Rejections docs/events.md does not list:\n" + string.Join('\n', undocumented));
    }

    [Fact]
    public void Every_documented_detail_is_what_some_record_is_rejected_with()
    {
        var results = Records.Select(r => Validator.Validate(r)).ToList();

        var unproduced = DocumentedRejections()
            .Where(d => !results.Any(r => r.Reason == d.Reason && d.Detail.IsMatch(r.Detail!)))
            .Select(d => $"{d.Reason} | {d.Text}")
            .ToList();

        Assert.True(unproduced.Count == 0, "docs/events.md documents rejections no record here produces (add a record, or fix the page):\n" + string.Join('\n', unproduced));
    }

    [Fact]
    public void The_valid_record_the_cases_start_from_is_valid() =>
        Assert.True(Validator.Validate(Encoding.UTF8.GetBytes(Valid)).IsValid);

    private static string With(string field, string replacement)
    {
        Assert.Contains(field, Valid, StringComparison.Ordinal);
        return Valid.Replace(field, replacement, StringComparison.Ordinal);
    }

    private static string Shorten(byte[] record)
    {
        var text = Encoding.UTF8.GetString(record);
        return text.Length <= 120 ? text : text[..120] + "...";
    }

    /// <summary>The rows of the table headed <c>| reason | detail |</c> in docs/events.md: <c>| `reason` | `detail` ... |</c>.</summary>
    private static List<(string Reason, string Text, Regex Detail)> DocumentedRejections()
    {
        var rows = File.ReadAllLines(RepositoryFiles.Path("docs", "events.md"))
            .SkipWhile(line => line != "| reason | detail |")
            .Skip(2)
            .TakeWhile(line => line.StartsWith('|'))
            .Select(line =>
            {
                var match = TableRow().Match(line);
                Assert.True(match.Success, $"docs/events.md: not a | `reason` | `detail` | row: {line}");
                return match;
            })
            .Select(m => (Reason: m.Groups["reason"].Value, Text: m.Groups["detail"].Value,
                Detail: new Regex("^" + Placeholder().Replace(Regex.Escape(m.Groups["detail"].Value), ".+") + "$", RegexOptions.CultureInvariant)))
            .ToList();
        Assert.True(rows.Count > 10, "docs/events.md has no reason/detail table (| `reason` | `detail` |)");
        return rows;
    }

    [GeneratedRegex(@"^\| `(?<reason>[a-z_0-9]+)` \| `(?<detail>[^`]+)`")]
    private static partial Regex TableRow();

    /// <summary>A placeholder such as &lt;n&gt; or &lt;field&gt;, after Regex.Escape (which leaves &lt; and &gt; alone).</summary>
    [GeneratedRegex("<[a-z]+>")]
    private static partial Regex Placeholder();
}
