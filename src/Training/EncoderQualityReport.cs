using System.Globalization;

namespace StreamRec.Training;

/// <summary>
/// How good a trained encoder is, each number next to what it should beat. The untrained encoder (the
/// same features, the starting table) is measured too: genres are among an item's features, so much of
/// the neighbours' genre agreement comes from the features alone, and the gap to the untrained encoder
/// is what training added.
/// </summary>
/// <param name="Neighbours">The trained encoder's neighbour check.</param>
/// <param name="UntrainedNeighbours">The same check for the untrained encoder.</param>
/// <param name="NextItem">Hit-rate on the candidates with enough training interactions; null without a held-out part.</param>
/// <param name="NextItemAllCatalog">Hit-rate when every catalog item is a candidate; null without a held-out part.</param>
/// <param name="UntrainedNextItem">The untrained encoder on the candidates of <paramref name="NextItem"/>.</param>
public sealed record EncoderQualityReport(
    GenreAgreement Neighbours,
    GenreAgreement UntrainedNeighbours,
    HitRate? NextItem,
    HitRate? NextItemAllCatalog,
    HitRate? UntrainedNextItem)
{
    /// <summary>Prefix of the keys <see cref="ToMetadata"/> writes into the model.</summary>
    public const string MetadataPrefix = "streamrec.quality.";

    /// <summary>The numbers as model metadata (invariant culture, keys under <see cref="MetadataPrefix"/>).</summary>
    public IReadOnlyDictionary<string, string> ToMetadata()
    {
        var metadata = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [MetadataPrefix + "neighbours.items"] = Invariant(Neighbours.Items),
            [MetadataPrefix + "neighbours.k"] = Invariant(Neighbours.Neighbours),
            [MetadataPrefix + "neighbours.genre_share"] = Invariant(Neighbours.Rate),
            [MetadataPrefix + "neighbours.genre_share_untrained"] = Invariant(UntrainedNeighbours.Rate),
            [MetadataPrefix + "neighbours.genre_share_chance"] = Invariant(Neighbours.ChanceRate),
        };
        void AddHitRate(string name, HitRate? rate, bool withBaseline)
        {
            if (rate is null)
            {
                return;
            }

            var prefix = $"{MetadataPrefix}{name}.";
            metadata[prefix + "users"] = Invariant(rate.Users);
            metadata[prefix + "k"] = Invariant(rate.K);
            metadata[prefix + "profile_length"] = Invariant(rate.ProfileLength);
            metadata[prefix + "min_candidate_count"] = Invariant(rate.MinCandidateCount);
            metadata[prefix + "next"] = Invariant(rate.ModelNext);
            metadata[prefix + "any"] = Invariant(rate.ModelAny);
            if (withBaseline)
            {
                metadata[prefix + "popularity_next"] = Invariant(rate.PopularityNext);
                metadata[prefix + "popularity_any"] = Invariant(rate.PopularityAny);
            }
        }

        AddHitRate("hit_rate", NextItem, withBaseline: true);
        AddHitRate("hit_rate_all_catalog", NextItemAllCatalog, withBaseline: true);
        AddHitRate("hit_rate_untrained", UntrainedNextItem, withBaseline: false);
        return metadata;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
