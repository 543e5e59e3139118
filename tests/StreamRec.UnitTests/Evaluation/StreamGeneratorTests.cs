using StreamRec.Evaluation;
using StreamRec.UnitTests.DriftDetector;

namespace StreamRec.UnitTests.Evaluation;

public sealed class StreamGeneratorTests
{
    private static readonly SpliceOptions Splices = new() { MinPrefix = 50, MaxPrefix = 300, MaxSuffix = 100 };

    /// <summary>Users whose item rows say who they are: user u's i-th event is item 1000 u + i.</summary>
    private static List<ItemHistory> Histories(params int[] lengths) =>
        lengths.Select((length, u) => new ItemHistory(u + 1, [.. Enumerable.Range(0, length).Select(i => (1000 * u) + i)], [.. Enumerable.Range(0, length).Select(i => i % 2 == 0 ? 1f : 0.5f)]))
            .ToList();

    [Fact]
    public void A_splice_is_one_users_prefix_then_another_users_history_with_the_change_at_the_stated_index()
    {
        var users = Histories(30, 60, 80, 120, 400, 55);

        var (spliced, _) = SpliceStreamGenerator.Generate(users, Splices, seed: 7);

        Assert.Equal(5, spliced.Count); // the 30-event user is too short to be user A
        foreach (var stream in spliced)
        {
            var change = Assert.Single(stream.ChangePoints);
            Assert.Equal(StreamKind.Spliced, stream.Kind);
            var a = stream.Items[0] / 1000;
            var b = stream.Items[change] / 1000;
            Assert.NotEqual(a, b);
            Assert.InRange(change, Splices.MinPrefix, Math.Min(Splices.MaxPrefix, users[a].Length));
            Assert.Equal(users[a].Items.Take(change), stream.Items.Take(change)); // A's first events, in order
            Assert.Equal(users[b].Items.Take(Splices.MaxSuffix), stream.Items.Skip(change)); // then B's from its start
            Assert.Equal([.. users[a].Weights.Take(change), .. users[b].Weights.Take(Splices.MaxSuffix)], stream.Weights);
        }

        // Every user long enough is user A once and user B once.
        Assert.Equal([1, 2, 3, 4, 5], spliced.Select(s => s.Items[0] / 1000).Order());
        Assert.Equal([1, 2, 3, 4, 5], spliced.Select(s => s.Items[s.ChangePoints[0]] / 1000).Order());
    }

    [Fact]
    public void Every_user_is_also_an_unspliced_stream_without_change()
    {
        var users = Histories(30, 60, 80);

        var (_, unspliced) = SpliceStreamGenerator.Generate(users, Splices, seed: 7);

        Assert.Equal(users.Select(u => u.Items), unspliced.Select(s => s.Items));
        Assert.All(unspliced, s => Assert.True(s.IsStationary && s.Kind == StreamKind.Unspliced));
    }

    [Fact]
    public void Splices_are_fixed_by_the_seed()
    {
        var users = Histories(60, 80, 120, 400, 55, 250, 310);

        var first = SpliceStreamGenerator.Generate(users, Splices, seed: 3).Spliced;
        var again = SpliceStreamGenerator.Generate(users, Splices, seed: 3).Spliced;
        var other = SpliceStreamGenerator.Generate(users, Splices, seed: 4).Spliced;

        Assert.Equal(first.Select(s => s.Items), again.Select(s => s.Items));
        Assert.NotEqual(first.Select(s => (s.Items[0], s.ChangePoints[0])), other.Select(s => (s.Items[0], s.ChangePoints[0])));
    }

    [Fact]
    public void Synthetic_switches_are_at_the_stated_positions_and_move_to_clusters_never_used_before()
    {
        // 12 clusters of 10 items; item i belongs to cluster i / 10.
        var clusters = Enumerable.Range(0, 12).Select(c => new ItemCluster([.. Enumerable.Range(10 * c, 10)], [.. Enumerable.Repeat(1.0, 10)], $"c{c}")).ToList();
        var options = new SyntheticStreamOptions { Users = 40, EventsPerUser = 600, MinSegment = 100, MaxSwitches = 2 };

        var streams = SyntheticStreamGenerator.Generate(clusters, [0.25f, 1f], options, seed: 5);

        Assert.Equal(40, streams.Count);
        Assert.All(streams.Take(20), s => Assert.Equal(StreamKind.SyntheticSwitching, s.Kind));
        Assert.All(streams.Skip(20), s => Assert.True(s.IsStationary && s.Kind == StreamKind.SyntheticStationary));
        foreach (var stream in streams)
        {
            Assert.Equal(600, stream.Length);
            Assert.All(stream.Weights, w => Assert.Contains(w, new[] { 0.25f, 1f }));
            int[] bounds = [0, .. stream.ChangePoints, stream.Length];
            Assert.InRange(stream.ChangePoints.Length, stream.IsStationary ? 0 : 1, options.MaxSwitches);
            var used = new HashSet<int>();
            for (var j = 0; j + 1 < bounds.Length; j++)
            {
                Assert.True(bounds[j + 1] - bounds[j] >= options.MinSegment, $"{stream.Label}: segment {j} is {bounds[j + 1] - bounds[j]} events");
                var segment = stream.Items[bounds[j]..bounds[j + 1]].Select(i => i / 10).ToHashSet();
                Assert.InRange(segment.Count, 1, options.MaxClustersPerUser);
                Assert.False(segment.Overlaps(used), $"{stream.Label}: segment {j} reuses a cluster");
                if (j > 0)
                {
                    // The switch is exactly at the change point: the event there already draws from the new clusters.
                    Assert.Contains(stream.Items[bounds[j]] / 10, segment);
                    Assert.DoesNotContain(stream.Items[bounds[j] - 1] / 10, segment);
                }

                used.UnionWith(segment);
            }
        }
    }

    [Fact]
    public void Synthetic_streams_are_fixed_by_the_seed_and_users_do_not_depend_on_each_other()
    {
        var clusters = Enumerable.Range(0, 12).Select(c => new ItemCluster([.. Enumerable.Range(10 * c, 10)], [.. Enumerable.Range(1, 10).Select(x => (double)x)], $"c{c}")).ToList();
        var options = new SyntheticStreamOptions { Users = 10, EventsPerUser = 300, MinSegment = 100 };

        var first = SyntheticStreamGenerator.Generate(clusters, [1f], options, seed: 9);
        var again = SyntheticStreamGenerator.Generate(clusters, [1f], options, seed: 9);
        var more = SyntheticStreamGenerator.Generate(clusters, [1f], options with { Users = 20, SwitchingShare = 0.5 }, seed: 9);
        var other = SyntheticStreamGenerator.Generate(clusters, [1f], options, seed: 10);

        Assert.Equal(first.Select(s => s.Items), again.Select(s => s.Items));
        Assert.Equal(first[0].Items, more[0].Items); // user 0 switches in both runs and draws the same events
        Assert.NotEqual(first[0].Items, other[0].Items);
    }

    [Fact]
    public void Spherical_k_means_recovers_well_separated_clusters()
    {
        var streams = new DriftStreams(dimension: 8, seed: 2);
        var centres = Enumerable.Range(0, 3).Select(_ => streams.Centre()).ToArray();
        var values = Enumerable.Range(0, 90).SelectMany(i => streams.Around(centres[i % 3], 0.05)).ToArray();
        var items = new ItemEmbeddings(values, 8);

        var clusters = SphericalKMeans.Cluster(items, [.. Enumerable.Range(0, 90)], k: 3, seed: 1);

        Assert.Equal(3, clusters.Count);
        Assert.All(clusters, members =>
        {
            Assert.Equal(30, members.Length);
            Assert.Single(members.Select(i => i % 3).Distinct());
        });
    }

    [Fact]
    public void Calibration_split_halves_are_disjoint_and_fixed_by_the_seed()
    {
        var users = Enumerable.Range(0, 11).ToList();

        var (calibration, test) = CalibrationSplit.Halves(users, seed: 1);
        var (again, _) = CalibrationSplit.Halves(users, seed: 1);
        var (other, _) = CalibrationSplit.Halves(users, seed: 2);

        Assert.Equal(5, calibration.Count);
        Assert.Equal(6, test.Count);
        Assert.Equal(users, calibration.Concat(test).Order());
        Assert.Equal(calibration, again);
        Assert.NotEqual(calibration, other);
    }
}
