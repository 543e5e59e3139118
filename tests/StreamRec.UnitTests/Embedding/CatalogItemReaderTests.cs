using System.Text;
using StreamRec.Embedder.Stage;

namespace StreamRec.UnitTests.Embedding;

public sealed class CatalogItemReaderTests
{
    private static bool Read(string json, out string? detail)
    {
        var ok = CatalogItemReader.TryRead(Encoding.UTF8.GetBytes(json), out _, out detail);
        return ok;
    }

    [Fact]
    public void A_catalog_item_with_its_attributes_is_read()
    {
        Assert.True(CatalogItemReader.TryRead(
            "{\"schema_version\":1,\"item_id\":\"sku-1\",\"title\":\"Alien (1979)\",\"categories\":[\"Horror\",\"Sci-Fi\"],\"tags\":[\"space\"]}"u8.ToArray(),
            out var item, out _));
        Assert.Equal(("sku-1", "Alien (1979)"), (item.ItemId, item.Title));
        Assert.Equal(["Horror", "Sci-Fi"], item.Categories);
        Assert.True(Read("{\"item_id\":\"only-an-id\"}", out _));
    }

    [Theory]
    [InlineData("", "the record has no value")]
    [InlineData("{\"item_id\":", "not a catalog item")]
    [InlineData("null", "the record value is JSON null")]
    [InlineData("{\"schema_version\":2,\"item_id\":\"a\"}", "unsupported schema_version 2")]
    [InlineData("{\"title\":\"no id\"}", "not a catalog item")]
    [InlineData("{\"item_id\":\"\"}", "item_id is missing or empty")]
    [InlineData("{\"item_id\":\"a\",\"categories\":[\"x\",null]}", "categories holds a null or empty entry")]
    [InlineData("{\"item_id\":\"a\",\"tags\":[\"\"]}", "tags holds a null or empty entry")]
    public void An_unreadable_record_is_rejected_naming_the_rule(string json, string expected)
    {
        Assert.False(json.Length > 0 ? Read(json, out var detail) : CatalogItemReader.TryRead([], out _, out detail));
        Assert.StartsWith(expected, detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_match_what_an_event_may_carry()
    {
        var longId = new string('i', CatalogItemReader.MaxIdLength + 1);
        var many = string.Join(',', Enumerable.Range(0, CatalogItemReader.MaxListItems + 1).Select(i => $"\"c{i}\""));

        Assert.False(Read($"{{\"item_id\":\"{longId}\"}}", out var idDetail));
        Assert.False(Read($"{{\"item_id\":\"a\",\"categories\":[{many}]}}", out var listDetail));
        Assert.Equal($"item_id is longer than {CatalogItemReader.MaxIdLength} characters", idDetail);
        Assert.Equal($"categories has more than {CatalogItemReader.MaxListItems} entries", listDetail);
    }
}
