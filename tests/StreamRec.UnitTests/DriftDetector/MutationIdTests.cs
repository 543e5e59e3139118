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
}
