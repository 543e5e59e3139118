namespace StreamRec.Evaluation;

/// <summary>
/// Bands of the genre cosine between the two users of a splice (<see cref="GenreProfiles"/>): a change is
/// only as visible as the two tastes differ, so recall is read per band. Bands: [0, 0.5), [0.5, 0.7),
/// [0.7, 0.85) and [0.85, 1], the first labelled dissimilar and the last similar.
/// </summary>
public static class GenreBands
{
    /// <summary>The band of pairs that <see cref="SpliceFamilies.Dissimilar"/> is drawn from: cosine below this.</summary>
    public const double DissimilarBelow = 0.5;

    /// <summary>The bands' labels, most dissimilar first.</summary>
    public static readonly IReadOnlyList<string> Labels = ["cosine < 0.5 (dissimilar)", "cosine 0.5-0.7", "cosine 0.7-0.85", "cosine >= 0.85 (similar)"];

    /// <summary>Lower bounds of all bands but the first.</summary>
    private static readonly double[] LowerBounds = [DissimilarBelow, 0.7, 0.85];

    /// <summary>The index in <see cref="Labels"/> of a pair at genre cosine <paramref name="cosine"/>.</summary>
    public static int IndexOf(double cosine)
    {
        var band = 0;
        while (band < LowerBounds.Length && cosine >= LowerBounds[band])
        {
            band++;
        }

        return band;
    }
}
