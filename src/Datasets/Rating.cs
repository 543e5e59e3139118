namespace StreamRec.Datasets;

/// <summary>A row of MovieLens' ratings.csv: one user's rating of one movie.</summary>
/// <param name="UserId">GroupLens' userId (anonymous).</param>
/// <param name="MovieId">GroupLens' movieId, a key of <see cref="MovieLensDataset.MoviesById"/>.</param>
/// <param name="Stars">
/// The rating, 0.5 to 5.0 in half stars. (Named Stars because C# does not allow a member named like
/// its type.)
/// </param>
/// <param name="Timestamp">When it was given, Unix seconds (UTC).</param>
public readonly record struct Rating(int UserId, int MovieId, float Stars, long Timestamp);
