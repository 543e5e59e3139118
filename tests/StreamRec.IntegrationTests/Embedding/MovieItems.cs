using System.Globalization;
using StreamRec.Embedder.Features;

namespace StreamRec.IntegrationTests.Embedding;

/// <summary>Movie-like items (GroupLens titles and genres) with ids unique to one test.</summary>
internal static class MovieItems
{
    private static readonly (string Title, string[] Genres)[] Movies =
    [
        ("Heat (1995)", ["Action", "Crime", "Thriller"]),
        ("Toy Story (1995)", ["Adventure", "Animation", "Children", "Comedy", "Fantasy"]),
        ("Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)", ["Comedy", "Romance"]),
        ("Matrix, The (1999)", ["Action", "Sci-Fi", "Thriller"]),
        ("Fargo (1996)", ["Comedy", "Crime", "Drama", "Thriller"]),
        ("Spirited Away (Sen to Chihiro no kamikakushi) (2001)", ["Adventure", "Animation", "Fantasy"]),
        ("Alien (1979)", ["Horror", "Sci-Fi"]),
        ("Casablanca (1942)", ["Drama", "Romance"]),
        ("Untitled", []),
    ];

    /// <summary><paramref name="count"/> items; item i has the attributes of movie i mod 9 and its own id.</summary>
    public static List<ItemAttributes> Create(string idPrefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new ItemAttributes(
            $"{idPrefix}{i.ToString(CultureInfo.InvariantCulture)}",
            Movies[i % Movies.Length].Title,
            Movies[i % Movies.Length].Genres.Length == 0 ? null : Movies[i % Movies.Length].Genres))];
}
