using System.Globalization;
using StreamRec.Contracts;
using StreamRec.Datasets;

namespace StreamRec.Replay;

/// <summary>
/// Turns MovieLens ratings into raw interaction events, in time order. A rating is an explicit signal;
/// it is mapped onto the event types of the contract by strength, so that the configurable type
/// weights of Ingest carry it: 4.5-5 purchase, 3.5-4 add_to_cart, 2.5-3 click, below that view.
/// Event time is the rating's own timestamp (1995-2016); the replay's rate only sets how fast they are sent.
/// </summary>
public static class MovieLensEvents
{
    public static string TypeFor(float rating) => rating switch
    {
        >= 4.5f => "purchase",
        >= 3.5f => "add_to_cart",
        >= 2.5f => "click",
        _ => "view",
    };

    /// <summary>
    /// The ratings of the <paramref name="users"/> users with the lowest ids, whole histories: a short
    /// replay that still holds long histories. (The first N events in time order would not: the first
    /// 5,000 are the data's first months, mostly users' warm-ups, and hold about one mutation.)
    /// </summary>
    public static List<Rating> OfFirstUsers(IEnumerable<Rating> ratings, int users)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        ArgumentOutOfRangeException.ThrowIfLessThan(users, 1);
        var all = ratings as IReadOnlyCollection<Rating> ?? [.. ratings];
        var chosen = all.Select(r => r.UserId).Distinct().Order().Take(users).ToHashSet();
        return [.. all.Where(r => chosen.Contains(r.UserId))];
    }

    public static List<RawEvent> InTimeOrder(IReadOnlyList<Movie> movies, IReadOnlyList<Rating> ratings)
    {
        ArgumentNullException.ThrowIfNull(movies);
        ArgumentNullException.ThrowIfNull(ratings);
        var byId = movies.ToDictionary(m => m.Id);
        var events = new List<RawEvent>(ratings.Count);
        foreach (var rating in ratings.OrderBy(r => r.Timestamp).ThenBy(r => r.UserId).ThenBy(r => r.MovieId))
        {
            var movie = byId[rating.MovieId];
            var user = rating.UserId.ToString(CultureInfo.InvariantCulture);
            var item = rating.MovieId.ToString(CultureInfo.InvariantCulture);
            events.Add(new RawEvent
            {
                EventId = $"ml-{user}-{item}-{rating.Timestamp}",
                UserId = user,
                ItemId = item,
                Type = TypeFor(rating.Stars),
                Ts = rating.Timestamp * 1000,
                Title = movie.DisplayTitle,
                Categories = movie.Genres,
            });
        }

        return events;
    }
}
