using StreamRec.Training;

namespace StreamRec.UnitTests.Training;

public sealed class HitRateTests
{
    // Unit vectors in the plane; item 5 never occurs in training.
    private static readonly ItemVectors Vectors = new(
    [
        1f, 0f,      // 0
        0.6f, 0.8f,  // 1
        0f, 1f,      // 2
        -0.6f, 0.8f, // 3
        -1f, 0f,     // 4
        0.8f, -0.6f, // 5
    ], dimension: 2);

    // Training counts: item 2 twice, items 0, 1, 3, 4 once, item 5 never; popularity order 2, 0, 1, 3, 4, 5.
    private static readonly TimeSplit Split = new(
        [new UserHistory(1, [0]), new UserHistory(2, [2, 4]), new UserHistory(3, [1, 2]), new UserHistory(4, [3])],
        [new UserHistory(1, [5, 1]), new UserHistory(2, [3]), new UserHistory(3, [0]), new UserHistory(4, [])]);

    [Fact]
    public void Hit_rates_over_the_whole_catalog_match_a_hand_computation()
    {
        // Profiles (last training item): user 1 (1,0), user 2 (-1,0), user 3 (0,1); user 4 holds nothing out.
        // Encoder top 2 among unseen items:  user 1 [5 (0.8), 1 (0.6)]: next 5 hit, any hit
        //                                    user 2 [3 (0.6), 1 (-0.6)]: next 3 hit, any hit
        //                                    user 3 [3 (0.8), 0 (0, tie with 4 goes to the lower index)]: hit, hit
        // Popularity top 2 among unseen:     user 1 [2, 1]: next 5 miss, any (1) hit
        //                                    user 2 [0, 1]: miss, miss
        //                                    user 3 [0, 3]: hit, hit
        var rate = HitRate.Measure(Vectors, Split, k: 2, profileLength: 1, minCandidateCount: 0);

        Assert.Equal(new HitRate(Users: 3, K: 2, ProfileLength: 1, MinCandidateCount: 0,
            ModelNext: 1.0, PopularityNext: 1.0 / 3, ModelAny: 1.0, PopularityAny: 2.0 / 3), rate);
    }

    [Fact]
    public void Items_below_the_minimum_training_count_are_not_candidates()
    {
        // Without item 5, user 1's encoder list is [1, 2]: the next item (5) is missed, item 1 still hit.
        var rate = HitRate.Measure(Vectors, Split, k: 2, profileLength: 1, minCandidateCount: 1);

        Assert.Equal(2.0 / 3, rate.ModelNext, precision: 12);
        Assert.Equal(1.0, rate.ModelAny);
        Assert.Equal((1.0 / 3, 2.0 / 3), (rate.PopularityNext, rate.PopularityAny));
    }

    [Fact]
    public void Profile_is_the_normalised_mean_of_the_given_items()
    {
        var profile = new float[2];

        HitRate.Profile(Vectors, [2, 4], profile);

        Assert.Equal(-Math.Sqrt(0.5), profile[0], precision: 6);
        Assert.Equal(Math.Sqrt(0.5), profile[1], precision: 6);
    }
}
