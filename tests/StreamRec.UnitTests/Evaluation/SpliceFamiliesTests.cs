using StreamRec.Evaluation;

namespace StreamRec.UnitTests.Evaluation;

public sealed class SpliceFamiliesTests
{
    private static readonly SpliceOptions Splices = new() { MinPrefix = 50, MaxPrefix = 300, MaxSuffix = 200 };

    /// <summary>User u's i-th event is item 1000 u + i, and every item of user u has the genre "g{u mod 4}": users of different groups share no genre.</summary>
    private static List<ItemHistory> Histories(int users, int seed = 3)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, users).Select(u =>
        {
            var length = random.Next(60, 500);
            return new ItemHistory(u, [.. Enumerable.Range(0, length).Select(i => (1000 * u) + i)], [.. Enumerable.Range(0, length).Select(i => i % 3 == 0 ? 1f : 0.5f)]);
        })];
    }

    private static GenreProfiles Genres(int users) => new([.. Enumerable.Range(0, 1000 * users).Select(item => new[] { $"g{item / 1000 % 4}" })]);

    private static int UserOf(int item) => item / 1000;

    private static int IndexOf(int item) => item % 1000;

    private static SpliceFamily Family(List<SpliceFamily> families, string name) => families.Single(f => f.Name == name);

    [Fact]
    public void The_splice_family_is_the_splice_protocol_unchanged_and_its_bands_split_it_by_genre_cosine()
    {
        var users = Histories(40);

        var (families, controls) = SpliceFamilies.Generate(users, Genres(40), Splices, seed: 5);
        var (spliced, unspliced) = SpliceStreamGenerator.Generate(users, Splices, seed: 5);

        var splice = Family(families, SpliceFamilies.Splice);
        Assert.Equal(spliced.Select(s => s.Items), splice.Streams.Select(s => s.Items));
        Assert.Equal(spliced.Select(s => s.ChangePoints), splice.Streams.Select(s => s.ChangePoints));
        Assert.Equal(unspliced.Select(s => s.Items), controls.Select(s => s.Items));
        var bands = families.Where(f => f.IsBand).ToList();
        Assert.Equal(GenreBands.Labels.Count, bands.Count);
        Assert.Equal(splice.Streams.Count, bands.Sum(b => b.Streams.Count));
        for (var band = 0; band < bands.Count; band++)
        {
            Assert.All(bands[band].GenreCosines, cosine => Assert.Equal(band, GenreBands.IndexOf(cosine)));
        }

        // With genres by user group the cosine is 0 or 1: only the first and last bands hold streams.
        Assert.NotEmpty(bands[0].Streams);
        Assert.NotEmpty(bands[^1].Streams);
    }

    [Fact]
    public void Dissimilar_pairs_are_below_one_half_in_genre_cosine()
    {
        var users = Histories(40);
        var genres = Genres(40);

        var (families, _) = SpliceFamilies.Generate(users, genres, Splices, seed: 5);

        var dissimilar = Family(families, SpliceFamilies.Dissimilar);
        Assert.Equal(40, dissimilar.Streams.Count); // every user has users of other groups to pair with
        foreach (var (stream, cosine) in dissimilar.Streams.Zip(dissimilar.GenreCosines))
        {
            var change = Assert.Single(stream.ChangePoints);
            Assert.True(cosine < GenreBands.DissimilarBelow);
            Assert.True(genres.Cosine(stream.Items, change) < GenreBands.DissimilarBelow);
            Assert.NotEqual(UserOf(stream.Items[0]) % 4, UserOf(stream.Items[change]) % 4);
            Assert.InRange(change, Splices.MinPrefix, Splices.MaxPrefix);
            Assert.Equal(0, IndexOf(stream.Items[change])); // B from its start
        }
    }

    [Fact]
    public void A_gradual_change_starts_at_its_ramp_and_hands_over_to_B_a_little_more_each_event()
    {
        var users = Histories(200);

        var (families, _) = SpliceFamilies.Generate(users, Genres(200), Splices, seed: 5);

        var gradual = Family(families, SpliceFamilies.Gradual);
        Assert.NotEmpty(gradual.Streams);
        int firstHalfB = 0, secondHalfB = 0, firstHalf = 0, secondHalf = 0;
        foreach (var stream in gradual.Streams)
        {
            var change = Assert.Single(stream.ChangePoints);
            var ramp = Assert.Single(stream.ChangeSpans!);
            Assert.InRange(ramp, SpliceFamilies.MinRamp, SpliceFamilies.MaxRamp);
            var a = UserOf(stream.Items[0]);
            Assert.Equal(users[a].Items.Take(change), stream.Items.Take(change));
            // A's events go on where the prefix stopped, B's start at its first; each in order.
            var fromA = stream.Items.Skip(change).Where(i => UserOf(i) == a).Select(IndexOf).ToList();
            var fromB = stream.Items.Skip(change).Where(i => UserOf(i) != a).Select(IndexOf).ToList();
            Assert.Equal(Enumerable.Range(change, fromA.Count), fromA);
            Assert.Equal(Enumerable.Range(0, fromB.Count), fromB);
            Assert.NotEqual(a, UserOf(stream.Items[change + ramp - 1])); // share 1 on the ramp's last event
            Assert.All(stream.Items.Skip(change + ramp), i => Assert.NotEqual(a, UserOf(i))); // then only B
            for (var i = 0; i < ramp; i++)
            {
                var isB = UserOf(stream.Items[change + i]) != a ? 1 : 0;
                if (2 * i < ramp)
                {
                    (firstHalfB, firstHalf) = (firstHalfB + isB, firstHalf + 1);
                }
                else
                {
                    (secondHalfB, secondHalf) = (secondHalfB + isB, secondHalf + 1);
                }
            }
        }

        // Expected shares about 1/4 and 3/4; with thousands of ramp events, 0.35 and 0.65 are many standard errors away.
        Assert.InRange((double)firstHalfB / firstHalf, 0.15, 0.35);
        Assert.InRange((double)secondHalfB / secondHalf, 0.65, 0.85);
    }

    [Fact]
    public void A_returning_stream_goes_back_to_A_where_it_left_off()
    {
        var users = Histories(60);

        var (families, _) = SpliceFamilies.Generate(users, Genres(60), Splices, seed: 5);

        var returning = Family(families, SpliceFamilies.Returning);
        Assert.NotEmpty(returning.Streams);
        foreach (var stream in returning.Streams)
        {
            Assert.Equal(2, stream.ChangePoints.Length);
            var (leave, back) = (stream.ChangePoints[0], stream.ChangePoints[1]);
            Assert.InRange(back - leave, SpliceFamilies.MinStay, SpliceFamilies.MaxStay);
            var a = UserOf(stream.Items[0]);
            var b = UserOf(stream.Items[leave]);
            Assert.NotEqual(a, b);
            Assert.Equal(users[b].Items.Take(back - leave), stream.Items.Skip(leave).Take(back - leave));
            var rest = Math.Min(users[a].Length - leave, SpliceFamilies.MaxReturn);
            Assert.True(rest >= SpliceFamilies.MinRemaining);
            Assert.Equal(users[a].Items.Skip(leave).Take(rest), stream.Items.Skip(back));
        }
    }

    [Fact]
    public void An_added_interest_mixes_A_and_B_half_and_half_after_the_change()
    {
        var users = Histories(60);

        var (families, _) = SpliceFamilies.Generate(users, Genres(60), Splices, seed: 5);

        var added = Family(families, SpliceFamilies.Added);
        Assert.NotEmpty(added.Streams);
        long fromAll = 0, fromB = 0;
        foreach (var stream in added.Streams)
        {
            var change = Assert.Single(stream.ChangePoints);
            var a = UserOf(stream.Items[0]);
            var after = stream.Items.Skip(change).ToList();
            Assert.True(after.Count <= Splices.MaxSuffix);
            Assert.Equal(Enumerable.Range(change, after.Count(i => UserOf(i) == a)), after.Where(i => UserOf(i) == a).Select(IndexOf));
            Assert.Equal(Enumerable.Range(0, after.Count(i => UserOf(i) != a)), after.Where(i => UserOf(i) != a).Select(IndexOf));
            Assert.Single(after.Select(UserOf).Where(u => u != a).Distinct());
            (fromAll, fromB) = (fromAll + after.Count, fromB + after.Count(i => UserOf(i) != a));
        }

        Assert.InRange((double)fromB / fromAll, 0.45, 0.55);
    }

    [Fact]
    public void Every_family_draws_on_the_given_users_only_and_repeats_with_its_seed()
    {
        var users = Histories(80);
        var (calibration, _) = CalibrationSplit.Halves(users, seed: 9);
        var allowed = calibration.Select(u => u.User).ToHashSet();

        var (families, controls) = SpliceFamilies.Generate(calibration, Genres(80), Splices, seed: 5);
        var (again, _) = SpliceFamilies.Generate(calibration, Genres(80), Splices, seed: 5);
        var (other, _) = SpliceFamilies.Generate(calibration, Genres(80), Splices, seed: 6);

        // Streams index users within the split; the items say which data-set user they came from.
        Assert.All(families.SelectMany(f => f.Streams).Concat(controls).SelectMany(s => s.Items), item => Assert.Contains(UserOf(item), allowed));
        Assert.Equal(families.SelectMany(f => f.Streams).Select(s => s.Items), again.SelectMany(f => f.Streams).Select(s => s.Items));
        Assert.NotEqual(families.SelectMany(f => f.Streams).Select(s => s.Items), other.SelectMany(f => f.Streams).Select(s => s.Items));
    }
}
