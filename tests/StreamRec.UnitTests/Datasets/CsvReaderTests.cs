using StreamRec.Datasets;

namespace StreamRec.UnitTests.Datasets;

public sealed class CsvReaderTests
{
    private static List<string[]> ReadAll(string text)
    {
        using var csv = new CsvReader(new StringReader(text));
        var records = new List<string[]>();
        while (csv.ReadRecord())
        {
            var fields = new string[csv.FieldCount];
            for (int i = 0; i < fields.Length; i++)
                fields[i] = csv.GetString(i);
            records.Add(fields);
        }

        return records;
    }

    [Fact]
    public void Quoted_field_keeps_its_commas_and_unescapes_doubled_quotes()
    {
        var records = ReadAll("51372,\"\"\"Great Performances\"\" Cats (1998)\",Musical\n5,\"a, b\",c\n");

        Assert.Equal(["51372", "\"Great Performances\" Cats (1998)", "Musical"], records[0]);
        Assert.Equal(["5", "a, b", "c"], records[1]);
    }

    [Fact]
    public void Crlf_line_ends_and_a_missing_final_line_end_are_accepted()
    {
        var records = ReadAll("a,b\r\nc,d");

        Assert.Equal([["a", "b"], ["c", "d"]], records);
    }

    [Fact]
    public void Quoted_field_may_span_lines_and_line_numbers_count_them()
    {
        using var csv = new CsvReader(new StringReader("h\n\"one\ntwo\",x\nlast,y\n"));

        Assert.True(csv.ReadRecord());
        Assert.True(csv.ReadRecord());
        Assert.Equal("one\ntwo", csv.GetString(0));
        Assert.Equal(2, csv.LineNumber);
        Assert.True(csv.ReadRecord());
        Assert.Equal("last", csv.GetString(0));
        Assert.Equal(4, csv.LineNumber);
        Assert.False(csv.ReadRecord());
    }

    [Fact]
    public void Empty_fields_are_kept_and_empty_lines_are_skipped()
    {
        var records = ReadAll("a,,\"\"\n\n,b\n");

        Assert.Equal([["a", "", ""], ["", "b"]], records);
    }

    [Fact]
    public void Fields_longer_than_the_read_buffer_are_read_whole()
    {
        string longField = new string('x', 40_000) + "\"\"" + new string('y', 40_000);

        var records = ReadAll($"1,\"{longField}\"\n2,z\n");

        Assert.Equal(80_001, records[0][1].Length);
        Assert.Equal('"', records[0][1][40_000]);
        Assert.Equal(["2", "z"], records[1]);
    }

    [Theory]
    [InlineData("a,\"b\"c\n", "text after a closing quote")]
    [InlineData("a,b\"c\n", "a quote inside an unquoted field")]
    [InlineData("ok\na,\"never closed\n", "end of file inside a quoted field")]
    public void Malformed_input_fails_naming_the_source_and_line(string text, string problem)
    {
        using var csv = new CsvReader(new StringReader(text), "movies.csv");

        var error = Assert.Throws<InvalidDataException>(() =>
        {
            while (csv.ReadRecord())
            {
            }
        });

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.StartsWith(text.StartsWith("ok", StringComparison.Ordinal) ? "movies.csv:3" : "movies.csv:1", error.Message, StringComparison.Ordinal);
    }
}
