using StreamRec.Recommender.Scoring;

namespace StreamRec.UnitTests.Recommender;

public sealed class ItemMatrixTests
{
    [Fact]
    public void Add_appends_rows_and_replacing_an_id_keeps_its_row()
    {
        var matrix = new ItemMatrix(3, 1);
        Assert.Equal(0, matrix.Add("a", [1, 0, 0]));
        Assert.Equal(1, matrix.Add("b", [0, 2, 0])); // beyond the capacity: grows
        Assert.Equal(2, matrix.Add("c", [0, 0, -1]));
        Assert.Equal(1, matrix.Add("b", [0, 0, 5])); // replace

        Assert.Equal(3, matrix.Count);
        Assert.Equal(3, matrix.Dimension);
        Assert.Equal("b", matrix.ItemId(1));
        Assert.Equal([0f, 0f, 1f], matrix.Row(1).ToArray());
        Assert.True(matrix.TryGetRow("c", out var row));
        Assert.Equal(2, row);
        Assert.False(matrix.TryGetRow("d", out _));
        Assert.Equal(9, matrix.Values.Length);
        Assert.Equal([1f, 0f, 0f, 0f, 0f, 1f, 0f, 0f, -1f], matrix.Values.ToArray());
    }

    [Fact]
    public void Rows_are_stored_at_unit_length()
    {
        var matrix = new ItemMatrix(4, 2);
        matrix.Add("x", [3, 4, 0, 0]);
        matrix.Add("y", [1e-20f, 1e-20f, 1e-20f, 1e-20f]);
        Assert.Equal([0.6f, 0.8f, 0f, 0f], matrix.Row(0).ToArray());
        Assert.Equal(1, matrix.Norm(1), 1e-6);
    }

    [Fact]
    public void Vectors_that_cannot_be_unit_items_are_refused()
    {
        var matrix = new ItemMatrix(2, 2);
        Assert.Throws<ArgumentException>(() => matrix.Add("zero", [0, 0]));
        Assert.Throws<ArgumentException>(() => matrix.Add("nan", [float.NaN, 1]));
        Assert.Throws<ArgumentException>(() => matrix.Add("short", [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => matrix.Row(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ItemMatrix(0, 1));
    }
}
