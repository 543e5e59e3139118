using StreamRec.Contracts;
using StreamRec.DriftDetector.Stage;

namespace StreamRec.UnitTests.DriftDetector;

public sealed class MutationIdTests
{
    [Fact]
    public void Mutation_id_is_a_deterministic_function_of_user_partition_and_offset()
    {
        var id = DriftProcessor.MutationId("a1b2", 3, 1234);

        Assert.Equal(id, DriftProcessor.MutationId("a1b2", 3, 1234));
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.NotEqual(id, DriftProcessor.MutationId("a1b2", 3, 1235));
        Assert.NotEqual(id, DriftProcessor.MutationId("a1b2", 4, 1234));
        Assert.NotEqual(id, DriftProcessor.MutationId("a1b3", 3, 1234));
        // No concatenation ambiguity: ("a", 12, 3) and ("a1", 2, 3) differ.
        Assert.NotEqual(DriftProcessor.MutationId("a", 12, 3), DriftProcessor.MutationId("a1", 2, 3));
    }

    [Fact]
    public void An_origin_mutation_id_depends_on_user_and_origin_only_and_differs_from_a_position_id()
    {
        var id = DriftProcessor.OriginMutationId("a1b2", new EventOrigin(3, 1234));

        Assert.Equal(id, DriftProcessor.OriginMutationId("a1b2", new EventOrigin(3, 1234)));
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.NotEqual(id, DriftProcessor.OriginMutationId("a1b2", new EventOrigin(3, 1235)));
        Assert.NotEqual(id, DriftProcessor.OriginMutationId("a1b2", new EventOrigin(4, 1234)));
        Assert.NotEqual(id, DriftProcessor.OriginMutationId("a1b3", new EventOrigin(3, 1234)));
        Assert.NotEqual(id, DriftProcessor.MutationId("a1b2", 3, 1234));
    }

    [Theory]
    [InlineData(2, 10, 2, 10, true)]   // the same event again
    [InlineData(2, 9, 2, 10, true)]    // an earlier event of the same raw partition
    [InlineData(2, 11, 2, 10, false)]  // the next event
    [InlineData(1, 5, 2, 10, false)]   // another raw partition: cannot be ordered against it
    public void An_event_is_an_upstream_copy_when_its_origin_is_at_or_below_the_last_applied_one_of_its_partition(
        int partition, long offset, int lastPartition, long lastOffset, bool copy)
    {
        Assert.Equal(copy, DriftProcessor.IsUpstreamCopy(new EventOrigin(partition, offset), new EventOrigin(lastPartition, lastOffset)));
    }

    [Fact]
    public void Without_an_origin_on_either_side_nothing_is_an_upstream_copy()
    {
        Assert.False(DriftProcessor.IsUpstreamCopy(null, new EventOrigin(0, 5)));
        Assert.False(DriftProcessor.IsUpstreamCopy(new EventOrigin(0, 5), null));
    }
}
