namespace StreamRec.Evaluation;

/// <summary>
/// How far apart two stretches of history are in genre: a stretch's profile is the sum of its items'
/// genre indicator vectors, scaled to unit length, and two stretches are compared by the cosine of their
/// profiles (1 = the same genre mix, 0 = no genre in common). Genres are plain strings per item row, so
/// the evaluation does not depend on where the catalogue comes from.
/// </summary>
public sealed class GenreProfiles
{
    private readonly int[][] _genresOf;

    /// <param name="itemGenres">The genres of each item row (a row of <see cref="ItemEmbeddings"/>).</param>
    public GenreProfiles(IReadOnlyList<IReadOnlyList<string>> itemGenres)
    {
        ArgumentNullException.ThrowIfNull(itemGenres);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        _genresOf = [.. itemGenres.Select(genres => genres.Distinct(StringComparer.Ordinal).Select(g => index.TryGetValue(g, out var i) ? i : index[g] = index.Count).ToArray())];
        Genres = index.Count;
    }

    /// <summary>Distinct genres in the catalogue: the profiles' dimension.</summary>
    public int Genres { get; }

    /// <summary>The unit-length genre profile of <paramref name="items"/> (all zeros when none has a genre).</summary>
    public double[] Profile(ReadOnlySpan<int> items)
    {
        var profile = new double[Genres];
        foreach (var item in items)
        {
            foreach (var genre in _genresOf[item])
            {
                profile[genre]++;
            }
        }

        var norm = Math.Sqrt(profile.Sum(v => v * v));
        if (norm > 0)
        {
            for (var g = 0; g < profile.Length; g++)
            {
                profile[g] /= norm;
            }
        }

        return profile;
    }

    /// <summary>The cosine of two profiles of <see cref="Profile"/> (0 when either is empty).</summary>
    public static double Cosine(double[] a, double[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        double dot = 0;
        for (var g = 0; g < a.Length; g++)
        {
            dot += a[g] * b[g];
        }

        return dot;
    }

    /// <summary>The genre cosine between the two stretches of <paramref name="items"/> before and after <paramref name="split"/>.</summary>
    public double Cosine(ReadOnlySpan<int> items, int split) => Cosine(Profile(items[..split]), Profile(items[split..]));
}
