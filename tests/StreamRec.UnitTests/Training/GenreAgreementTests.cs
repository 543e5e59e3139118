using StreamRec.Training;

namespace StreamRec.UnitTests.Training;

public sealed class GenreAgreementTests
{
    private static readonly ItemVectors Vectors = new(
    [
        1f, 0f,     // 0: A
        0.8f, 0.6f, // 1: A, B
        0f, 1f,     // 2: B
        -1f, 0f,    // 3: C
    ], dimension: 2);

    private static readonly IReadOnlyList<string>?[] Genres = [["A"], ["A", "B"], ["B"], ["C"]];

    [Fact]
    public void Nearest_neighbour_agreement_and_chance_match_a_hand_computation()
    {
        // Nearest neighbours: 0 -> 1 (A), 1 -> 0 (A), 2 -> 1 (B), 3 -> 2 (nothing in common): 3 of 4.
        // Pairs sharing a genre: (0,1) and (1,2) of 6.
        var agreement = GenreAgreement.Measure(Vectors, Genres, [0, 1, 2, 3], neighbours: 1);

        Assert.Equal(new GenreAgreement(Items: 4, Neighbours: 1, Rate: 0.75, ChanceRate: 2.0 / 6), agreement);
    }

    [Fact]
    public void Ties_between_neighbours_go_to_the_earlier_item()
    {
        // Two neighbours: 0 -> [1, 2]: 1 of 2; 1 -> [0, 2]: 2 of 2; 2 -> [1, then 0 and 3 tie at 0: 0]: 1 of 2;
        // 3 -> [2, 1]: 0 of 2. 4 of 8.
        var agreement = GenreAgreement.Measure(Vectors, Genres, [0, 1, 2, 3], neighbours: 2);

        Assert.Equal(0.5, agreement.Rate);
    }

    [Fact]
    public void Items_without_genres_never_agree()
    {
        IReadOnlyList<string>?[] genres = [["A"], null, ["A"], []];

        // 0 -> 1 (none), 1 -> 0, 2 -> 1, 3 -> 2: no neighbour pair has a genre in common; (0,2) of 6 pairs does.
        var agreement = GenreAgreement.Measure(Vectors, genres, [0, 1, 2, 3], neighbours: 1);

        Assert.Equal((0.0, 1.0 / 6), (agreement.Rate, agreement.ChanceRate));
    }

    [Fact]
    public void More_neighbours_than_other_items_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => GenreAgreement.Measure(Vectors, Genres, [0, 1, 2], neighbours: 3));
    }
}
