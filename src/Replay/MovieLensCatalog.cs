using System.Globalization;
using StreamRec.Contracts;
using StreamRec.Datasets;

namespace StreamRec.Replay;

/// <summary>
/// The MovieLens film list (movies.csv: public data, no user in it) as catalog-topic records. These are
/// the items StreamRec may recommend: the Recommender's candidates come from the catalog topic only,
/// never from the items that events happen to name (docs/privacy.md).
/// </summary>
public static class MovieLensCatalog
{
    /// <summary>One record per film, in id order, with the title and genres the events carry for it.</summary>
    public static List<CatalogItemRecord> Items(IReadOnlyList<Movie> movies)
    {
        ArgumentNullException.ThrowIfNull(movies);
        return
        [
            .. movies.OrderBy(m => m.Id).Select(m => new CatalogItemRecord
            {
                ItemId = m.Id.ToString(CultureInfo.InvariantCulture),
                Title = m.DisplayTitle,
                Categories = m.Genres.Length == 0 ? null : m.Genres,
            }),
        ];
    }
}
