using StreamRec.Evaluation;

namespace StreamRec.UnitTests.Evaluation;

public sealed class EncoderSeparabilityTests
{
    // Unit vectors in 2-D: item 0 = (1, 0), item 1 = (0.6, 0.8), item 2 = (0, 1), item 3 = (-1, 0).
    private static readonly ItemEmbeddings Items = new([1, 0, 0.6f, 0.8f, 0, 1, -1, 0], 2);

    [Fact]
    public void The_auc_counts_the_pairs_a_positive_wins_and_half_the_ties()
    {
        // Pairs (3, 2) (3, 0) (2, 0) (1, 0) win, (2, 2) ties, (1, 2) loses: 4.5 of 6.
        Assert.Equal(0.75, EncoderSeparability.Auc([3, 2, 1], [2, 0]), 12);
        Assert.True(double.IsNaN(EncoderSeparability.Auc([1], [])));
    }

    [Fact]
    public void A_hand_worked_splice_gives_the_auc_of_its_cosines_to_the_centroid()
    {
        // A's earlier events all item 0, so the score is the first coordinate. Positives (A's last 2): items 0 and 1,
        // scores 1 and 0.6; negatives (B's first 2): items 1 and 2, scores 0.6 and 0. Pairs: 1 > 0.6, 1 > 0, 0.6 = 0.6, 0.6 > 0: 3.5 of 4.
        var splice = Splice([.. Repeat(0, EncoderSeparability.MinContext), 0, 1], [1, 2, 3]);

        var aucs = EncoderSeparability.CentroidAucs(Items, [splice], heldOut: 2);

        Assert.Equal(0.875, Assert.Single(aucs), 6);
    }

    [Fact]
    public void A_splice_to_the_same_items_is_not_separated()
    {
        int[] recent = [.. Enumerable.Range(0, EncoderSeparability.HeldOut).Select(i => i % 4)];
        var splice = Splice([.. Enumerable.Range(0, EncoderSeparability.MinContext).Select(i => i % 3), .. recent], recent);

        Assert.Equal(0.5, Assert.Single(EncoderSeparability.CentroidAucs(Items, [splice])), 12);
        Assert.Equal(0.5, Assert.Single(EncoderSeparability.NearestNeighbourAucs(Items, [splice], neighbours: 10)), 12);
    }

    [Fact]
    public void Interests_far_apart_are_perfectly_separated()
    {
        // A watches items 0 and 1 only, B items 2 and 3 only: every A event is closer to A's history than any B event.
        var splice = Splice(Cycle([0, 1], EncoderSeparability.MinContext + EncoderSeparability.HeldOut), Cycle([2, 3], EncoderSeparability.HeldOut));

        Assert.Equal(1.0, Assert.Single(EncoderSeparability.CentroidAucs(Items, [splice])), 12);
        Assert.Equal(1.0, Assert.Single(EncoderSeparability.NearestNeighbourAucs(Items, [splice], neighbours: 10)), 12);
    }

    [Fact]
    public void Splices_whose_prefix_leaves_too_little_history_are_skipped()
    {
        var enough = EncoderSeparability.MinContext + EncoderSeparability.HeldOut;
        var shortSplice = Splice(Cycle([0, 1], enough - 1), Cycle([2, 3], EncoderSeparability.HeldOut));
        var longSplice = Splice(Cycle([0, 1], enough), Cycle([2, 3], 5));

        // B's part may be shorter than the held-out count: its events are all the negatives there are.
        Assert.Equal([1.0], EncoderSeparability.CentroidAucs(Items, [shortSplice, longSplice]));
    }

    [Fact]
    public void The_summary_is_the_mean_with_a_bootstrap_interval_and_the_share_above_point_eight()
    {
        double[] aucs = [0.5, 0.6, 0.7, 0.9, 1.0];

        var row = EncoderSeparability.Summarise("encoder", "centroid", aucs, seed: 1, resamples: 1000);

        Assert.Equal(5, row.Splices);
        Assert.Equal(0.74, row.MeanAuc, 12);
        Assert.Equal(0.4, row.ShareSeparated, 12);
        Assert.InRange(row.MeanAuc, row.Low, row.High);
        Assert.True(row.Low >= 0.5 && row.High <= 1.0 && row.High > row.Low, row.ToString());
        Assert.Equal(row, EncoderSeparability.Summarise("encoder", "centroid", aucs, seed: 1, resamples: 1000));
        Assert.Equal(["encoder", "centroid", FormattableString.Invariant($"0.740 [{row.Low:0.000}, {row.High:0.000}]"), "40%", "5"], EncoderSeparabilityTable.Cells(row));
    }

    [Fact]
    public void The_report_shows_the_separability_table_when_given()
    {
        var row = EncoderSeparability.Summarise("genres only", "centroid", [0.6], seed: 1, resamples: 10);

        var html = DriftEvaluationReport.Render("Drift evaluation", [], [], separability: [row]);

        Assert.Contains("<h2>Encoder separability</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<td>genres only</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Encoder separability", DriftEvaluationReport.Render("Drift evaluation", [], []), StringComparison.Ordinal);
    }

    private static EvaluationStream Splice(int[] a, int[] b) =>
        new("splice", StreamKind.Spliced, [.. a, .. b], [.. Enumerable.Repeat(1f, a.Length + b.Length)], [a.Length]);

    private static int[] Repeat(int item, int count) => [.. Enumerable.Repeat(item, count)];

    private static int[] Cycle(int[] items, int count) => [.. Enumerable.Range(0, count).Select(i => items[i % items.Length])];
}
