using StreamRec.Contracts;
using StreamRec.DriftDetector.Stage;

namespace StreamRec.UnitTests.DriftDetector;

/// <summary>
/// Mutation ids pinned to literal values. Readers of the mutations topic (and the recommender, whose
/// mutation-triggered release takes the mutation id as its release id and ledger charge id) deduplicate
/// by these ids. During a rolling upgrade old and new pods process the same partitions in turn, so they
/// must derive the same id for the same input, or a replayed mutation becomes a second mutation and a
/// second privacy charge. If one of these values must change, the derivation changed: that needs a
/// versioned id format and a migration note in docs/operations.md, never just a new literal here.
/// </summary>
public sealed class MutationIdGoldenTests
{
    private const string User = "0f3c9a7e5b2d4c61a8e9f0b1c2d3e4f5"; // a pseudonym's shape

    [Fact]
    public void The_id_of_a_mutation_at_an_input_position_never_changes()
    {
        Assert.Equal("3a0f39770c14d8d014bcc5032f1f4e16", DriftProcessor.MutationId(User, partition: 3, offset: 1_234_567));
    }

    [Fact]
    public void The_id_of_a_mutation_of_an_ingested_event_never_changes()
    {
        Assert.Equal("fa28a74a0338f60100d66ac28c952a8f", DriftProcessor.OriginMutationId(User, new EventOrigin(Partition: 5, Offset: 98_765)));
    }
}
