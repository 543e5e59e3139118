using StreamRec.Datasets;
using StreamRec.Replay;

namespace StreamRec.UnitTests.Replay;

public sealed class MovieLensEventsTests
{
    [Theory]
    [InlineData(5.0f, "purchase")]
    [InlineData(4.5f, "purchase")]
    [InlineData(4.0f, "add_to_cart")]
    [InlineData(3.5f, "add_to_cart")]
    [InlineData(3.0f, "click")]
    [InlineData(2.5f, "click")]
    [InlineData(2.0f, "view")]
    [InlineData(0.5f, "view")]
    public void Rating_strength_maps_to_an_event_type(float stars, string type)
    {
        Assert.Equal(type, MovieLensEvents.TypeFor(stars));
    }

    [Fact]
    public void Events_come_in_time_order_with_the_movie_attributes()
    {
        Movie[] movies =
        [
            new(1, "Toy Story", 1995, ["Animation", "Comedy"]),
            new(2, "", null, []),
        ];
        Rating[] ratings =
        [
            new(7, 1, 4.0f, 2_000),
            new(3, 2, 1.0f, 1_000),
            new(3, 1, 5.0f, 2_000),
        ];

        var events = MovieLensEvents.InTimeOrder(movies, ratings);

        Assert.Equal(["ml-3-2-1000", "ml-3-1-2000", "ml-7-1-2000"], events.Select(e => e.EventId));
        var first = events[0];
        Assert.Equal(("3", "2", "view", 1_000_000L), (first.UserId, first.ItemId, first.Type, first.Ts));
        Assert.Null(first.Title); // the source left this movie untitled: no " (year)" stub
        var toyStory = events[1];
        Assert.Equal("Toy Story (1995)", toyStory.Title);
        Assert.Equal(["Animation", "Comedy"], toyStory.Categories!);
        Assert.Equal("purchase", toyStory.Type);
    }

    [Fact]
    public void The_shortened_replay_keeps_whole_histories_of_the_lowest_user_ids()
    {
        Rating[] ratings =
        [
            new(9, 1, 4.0f, 1), new(2, 1, 4.0f, 9), new(5, 2, 3.0f, 3), new(2, 2, 1.0f, 2), new(5, 3, 5.0f, 8), new(11, 1, 2.0f, 4),
        ];

        var chosen = MovieLensEvents.OfFirstUsers(ratings, users: 2);

        Assert.Equal([(2, 1), (5, 2), (2, 2), (5, 3)], chosen.Select(r => (r.UserId, r.MovieId)));
        Assert.Equal(ratings.Length, MovieLensEvents.OfFirstUsers(ratings, users: 100).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => MovieLensEvents.OfFirstUsers(ratings, users: 0));
    }
}
