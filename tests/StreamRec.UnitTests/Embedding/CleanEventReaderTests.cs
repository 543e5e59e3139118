using System.Text;
using StreamRec.Embedder.Stage;

namespace StreamRec.UnitTests.Embedding;

public sealed class CleanEventReaderTests
{
    private const string Secret = "c0ffee5ecret";

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    private static string Valid(string? replace = null, string? with = null)
    {
        var json = $$"""{"schema_version":1,"event_id":"e-1","user":"{{Secret}}","item_id":"42","type":"click","weight":0.5,"ts":833101223000,"title":"Heat (1995)","categories":["Action","Crime"]}""";
        return replace is null ? json : json.Replace(replace, with, StringComparison.Ordinal);
    }

    private static string Rejected(byte[]? value)
    {
        Assert.False(CleanEventReader.TryRead(value, out var cleanEvent, out var detail));
        Assert.Null(cleanEvent);
        Assert.DoesNotContain(Secret, detail, StringComparison.Ordinal);
        return detail;
    }

    [Fact]
    public void Valid_clean_event_is_read_with_every_field()
    {
        Assert.True(CleanEventReader.TryRead(Json(Valid()), out var cleanEvent, out var detail));

        Assert.Null(detail);
        Assert.Equal(("e-1", Secret, "42", "click", 0.5f, 833101223000L, "Heat (1995)"),
            (cleanEvent.EventId, cleanEvent.User, cleanEvent.ItemId, cleanEvent.Type, cleanEvent.Weight, cleanEvent.Ts, cleanEvent.Title));
        Assert.Equal(["Action", "Crime"], cleanEvent.Categories!);
    }

    [Fact]
    public void Malformed_json_is_described_by_position_without_quoting_it()
    {
        var detail = Rejected(Json($$"""{"user":"{{Secret}}" x}"""));

        Assert.StartsWith("not well-formed JSON (line 0, byte ", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_required_field_is_named()
    {
        var detail = Rejected(Json(Valid("\"item_id\":\"42\",", "")));

        Assert.Contains("item_id", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_type_names_the_path_and_not_the_value()
    {
        var detail = Rejected(Json(Valid("\"ts\":833101223000", $"\"ts\":\"{Secret}\"")));

        Assert.Contains("$.ts", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_schema_version_is_rejected()
    {
        Assert.Equal("unsupported schema_version 2; this build reads version 1", Rejected(Json(Valid("\"schema_version\":1", "\"schema_version\":2"))));
    }

    [Fact]
    public void Empty_id_is_rejected()
    {
        Assert.Equal("item_id is empty", Rejected(Json(Valid("\"item_id\":\"42\"", "\"item_id\":\"\""))));
    }

    [Theory]
    [InlineData("\"item_id\":\"42\"", "\"item_id\":null", "item_id is null")]
    [InlineData("\"user\":\"c0ffee5ecret\"", "\"user\":null", "user is null")]
    [InlineData("\"Crime\"", "null", "categories holds a null")]
    [InlineData("\"categories\"", "\"tags\":[\"x\",null],\"categories\"", "tags holds a null")]
    public void Explicit_nulls_the_contract_does_not_allow_are_rejected(string replace, string with, string expected)
    {
        Assert.Equal(expected, Rejected(Json(Valid(replace, with))));
    }

    [Theory]
    [InlineData("\"event_id\":\"e-1\"", "\"event_id\":\"\\ud800\"", "$.event_id")]
    [InlineData("\"Crime\"", "\"\\udc00x\"", "$.categories[1]")]
    [InlineData("\"title\":\"Heat (1995)\"", "\"title\":\"Heat \\ud83c\"", "$.title")]
    public void Unpaired_surrogate_escape_is_rejected_naming_the_field(string replace, string with, string path)
    {
        var detail = Rejected(Json(Valid(replace, with)));

        Assert.StartsWith("not a clean event: ", detail, StringComparison.Ordinal);
        Assert.Contains($"Path: {path} ", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Surrogate_pairs_are_fine()
    {
        Assert.True(CleanEventReader.TryRead(Json(Valid("Heat (1995)", "Heat \\ud83c\\udfac (1995)")), out var cleanEvent, out _));
        Assert.Equal("Heat 🎬 (1995)", cleanEvent.Title);
    }

    [Fact]
    public void Empty_null_and_non_utf8_values_are_rejected()
    {
        Assert.Equal("the record has no value", Rejected(null));
        Assert.Equal("the record has no value", Rejected([]));
        Assert.Equal("the record value is JSON null", Rejected(Json("null")));
        Assert.Equal("the record value is not valid UTF-8", Rejected([.. Json(Valid()[..20]), 0xC3, 0x28, .. Json(Valid()[20..])]));
    }
}
