namespace StreamRec.Datasets;

/// <summary>A row of MovieLens' movies.csv.</summary>
/// <param name="Id">GroupLens' movieId.</param>
/// <param name="Title">
/// The title without GroupLens' trailing " (yyyy)", e.g. "City of Lost Children, The (Cité des enfants
/// perdus, La)". Empty for the few movies whose title the dslabs copy of the data lost.
/// </param>
/// <param name="Year">The release year from that suffix; null when the title has none.</param>
/// <param name="Genres">
/// Genre labels (Action, Comedy, ...); empty for GroupLens' "(no genres listed)".
/// </param>
public sealed record Movie(int Id, string Title, int? Year, string[] Genres)
{
    /// <summary>
    /// GroupLens' display title "Title (year)", or null for an untitled movie. Events and encoder training
    /// both use it, so the title words the encoder was trained on are the ones it sees at run time.
    /// </summary>
    public string? DisplayTitle => Title.Length == 0 ? null : Year is { } year ? $"{Title} ({year})" : Title;
}
