using System.Text;
using StreamRec.Ingest;

namespace StreamRec.UnitTests.Ingest;

public sealed class RawEventValidatorTests
{
    private const string RawUser = "SECRET-USER-4711";
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly RawEventValidator Validator = new(new IngestOptions { MaxEventBytes = 2048 }, new FixedTimeProvider(Now));

    private static string Event(string? overrides = null, params string[] without)
    {
        var fields = new Dictionary<string, string>
        {
            ["schema_version"] = "1",
            ["event_id"] = "\"e-1\"",
            ["user_id"] = $"\"{RawUser}\"",
            ["item_id"] = "\"296\"",
            ["type"] = "\"click\"",
            ["ts"] = "1700000000000",
            ["title"] = "\"Pulp Fiction (1994)\"",
            ["categories"] = "[\"Comedy\",\"Crime\"]",
        };
        foreach (var field in without)
        {
            fields.Remove(field);
        }

        var body = string.Join(",", fields.Select(f => $"\"{f.Key}\":{f.Value}"));
        return "{" + body + (overrides is null ? "" : "," + overrides) + "}";
    }

    private static ValidationResult Validate(string json) => Validator.Validate(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void A_valid_event_passes_with_its_weight_and_normalised_time()
    {
        var result = Validate(Event());

        Assert.True(result.IsValid, result.Detail);
        Assert.Equal(("e-1", RawUser, "296", "click", 0.5f, 1_700_000_000_000L), (result.Event.EventId, result.Event.RawUserId, result.Event.ItemId, result.Event.Type, result.Event.Weight, result.Event.TimestampMs));
        Assert.Equal(["Comedy", "Crime"], result.Event.Categories!);
    }

    [Theory]
    [InlineData("\"2023-11-14T22:13:20Z\"", 1_700_000_000_000L)]
    [InlineData("\"2023-11-14T22:13:20.5Z\"", 1_700_000_000_500L)]
    [InlineData("\"2023-11-14T23:13:20+01:00\"", 1_700_000_000_000L)]
    [InlineData("\"2023-11-14 22:13:20Z\"", 1_700_000_000_000L)]
    public void Rfc3339_timestamps_are_accepted_and_normalised_to_epoch_ms(string ts, long expected)
    {
        var result = Validate(Event().Replace("\"ts\":1700000000000", $"\"ts\":{ts}", StringComparison.Ordinal));

        Assert.True(result.IsValid, result.Detail);
        Assert.Equal(expected, result.Event.TimestampMs);
    }

    [Fact]
    public void Unknown_fields_are_ignored_and_schema_version_is_optional()
    {
        Assert.True(Validate(Event("\"session\":{\"id\":7},\"ab_bucket\":\"B\"", "schema_version")).IsValid);
    }

    public static TheoryData<string, string, string> Rejections() => new()
    {
        { "", RejectionReasons.Empty, "no value" },
        { "{\"event_id\":\"" + new string('x', 3000) + "\"}", RejectionReasons.TooLarge, "Ingest:MaxEventBytes" },
        { "[1,2,3]", RejectionReasons.InvalidJson, "not a JSON object" },
        { "{\"event_id\":\"e\",", RejectionReasons.InvalidJson, "malformed JSON" },
        { Event() + "{}", RejectionReasons.InvalidJson, "malformed JSON" },
        { Event("\"x\":[[[[[[[[[1]]]]]]]]]"), RejectionReasons.InvalidJson, "malformed JSON" },
        { "{\"ts\":1,\"ts\":2}", RejectionReasons.DuplicateField, "'ts'" },
        { Event(null, "event_id"), RejectionReasons.MissingField, "'event_id'" },
        { Event(null, "user_id"), RejectionReasons.MissingField, "'user_id'" },
        { Event(null, "item_id"), RejectionReasons.MissingField, "'item_id'" },
        { Event(null, "type"), RejectionReasons.MissingField, "'type'" },
        { Event(null, "ts"), RejectionReasons.MissingField, "'ts'" },
        { Event().Replace("\"ts\":1700000000000", "\"ts\":null", StringComparison.Ordinal), RejectionReasons.MissingField, "'ts'" },
        { Event().Replace($"\"{RawUser}\"", "4711", StringComparison.Ordinal), RejectionReasons.WrongType, "'user_id'" },
        { Event().Replace("[\"Comedy\",\"Crime\"]", "[\"Comedy\",7]", StringComparison.Ordinal), RejectionReasons.WrongType, "'categories'" },
        { Event().Replace("[\"Comedy\",\"Crime\"]", "[\"Comedy\",null]", StringComparison.Ordinal), RejectionReasons.WrongType, "'categories'" },
        { Event().Replace("\"schema_version\":1", "\"schema_version\":\"1\"", StringComparison.Ordinal), RejectionReasons.WrongType, "'schema_version'" },
        { Event().Replace("\"schema_version\":1", "\"schema_version\":99999999999", StringComparison.Ordinal), RejectionReasons.WrongType, "'schema_version'" },
        { Event("\"price\":\"cheap\""), RejectionReasons.WrongType, "'price'" },
        { Event().Replace("\"schema_version\":1", "\"schema_version\":2", StringComparison.Ordinal), RejectionReasons.UnsupportedSchemaVersion, "schema_version 2" },
        { Event().Replace("\"click\"", "\"like\"", StringComparison.Ordinal), RejectionReasons.UnknownEventType, "configured event types" },
        { Event().Replace("1700000000000", "1700000000000.5", StringComparison.Ordinal), RejectionReasons.InvalidTimestamp, "epoch milliseconds" },
        { Event().Replace("1700000000000", "true", StringComparison.Ordinal), RejectionReasons.WrongType, "field 'ts' has the wrong type" },
        { Event().Replace("1700000000000", "[1700000000000]", StringComparison.Ordinal), RejectionReasons.WrongType, "field 'ts' has the wrong type" },
        { Event().Replace("1700000000000", "\"2023-11-14T22:13:20Z\\uD800\"", StringComparison.Ordinal), RejectionReasons.WrongType, "field 'ts' has the wrong type" },
        { Event().Replace("[\"Comedy\",\"Crime\"]", "[\"Comedy\",\"\\uD800\"]", StringComparison.Ordinal), RejectionReasons.WrongType, "'categories'" },
        { Event().Replace("1700000000000", "\"yesterday\"", StringComparison.Ordinal), RejectionReasons.InvalidTimestamp, "RFC 3339" },
        { Event().Replace("1700000000000", "\"2023-11-14T22:13:20\"", StringComparison.Ordinal), RejectionReasons.InvalidTimestamp, "offset" },
        { Event().Replace("1700000000000", "99999999999999999999999", StringComparison.Ordinal), RejectionReasons.InvalidTimestamp, "epoch milliseconds" },
        { Event().Replace("1700000000000", "631152000000", StringComparison.Ordinal), RejectionReasons.TimestampOutOfWindow, "Ingest:EarliestTimestamp" },
        { Event().Replace("1700000000000", $"{Now.AddMinutes(6).ToUnixTimeMilliseconds()}", StringComparison.Ordinal), RejectionReasons.TimestampOutOfWindow, "Ingest:MaxClockSkew" },
        { Event().Replace("\"e-1\"", "\"\"", StringComparison.Ordinal), RejectionReasons.InvalidField, "event_id is empty" },
        { Event().Replace("\"296\"", "\"   \"", StringComparison.Ordinal), RejectionReasons.InvalidField, "item_id is empty" },
        { Event().Replace($"\"{RawUser}\"", $"\"{new string('u', 300)}\"", StringComparison.Ordinal), RejectionReasons.InvalidField, "Ingest:MaxIdLength" },
        { Event("\"tags\":[" + string.Join(",", Enumerable.Range(0, 65).Select(i => $"\"t{i}\"")) + "]"), RejectionReasons.InvalidField, "Ingest:MaxListItems" },
        { Event("\"tags\":[\"\"]"), RejectionReasons.InvalidField, "1 to 128 characters" },
        { Event("\"price\":-1"), RejectionReasons.InvalidField, "price" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void Each_rule_rejects_with_its_reason_and_a_detail_that_names_it(string json, string reason, string detailPart)
    {
        var result = Validate(json);

        Assert.False(result.IsValid);
        Assert.Equal(reason, result.Reason);
        Assert.Contains(detailPart, result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(RawUser, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_is_rejected_before_parsing()
    {
        var bytes = Encoding.UTF8.GetBytes(Event()).ToList();
        bytes.InsertRange(bytes.IndexOf((byte)'2'), [0xC3, 0x28]); // an invalid two-byte sequence

        var result = Validator.Validate(bytes.ToArray());

        Assert.Equal(RejectionReasons.InvalidUtf8, result.Reason);
    }

    [Fact]
    public void Max_event_age_narrows_the_window_when_set()
    {
        var strict = new RawEventValidator(new IngestOptions { MaxEventAge = TimeSpan.FromDays(30) }, new FixedTimeProvider(Now));
        var old = Event().Replace("1700000000000", $"{Now.AddDays(-31).ToUnixTimeMilliseconds()}", StringComparison.Ordinal);
        var recent = Event().Replace("1700000000000", $"{Now.AddDays(-29).ToUnixTimeMilliseconds()}", StringComparison.Ordinal);

        Assert.Equal(RejectionReasons.TimestampOutOfWindow, strict.Validate(Encoding.UTF8.GetBytes(old)).Reason);
        Assert.True(strict.Validate(Encoding.UTF8.GetBytes(recent)).IsValid);
    }

    [Fact]
    public void Every_reason_code_is_exercised_by_a_test()
    {
        var covered = Rejections().Select(row => (string)row[1]).Append(RejectionReasons.InvalidUtf8).ToHashSet();

        Assert.Equal(RejectionReasons.All.Order(StringComparer.Ordinal), covered.Order(StringComparer.Ordinal));
    }
}
