using StreamRec.Contracts;
using StreamRec.Replay.Terminal;

namespace StreamRec.Evaluation.Demo;

/// <summary>What one demo run produced, for its report.</summary>
/// <param name="Notes">Facts of the run, one paragraph each (data, model, counts, timing).</param>
/// <param name="Samples">The pipeline over the run, a few samples per second.</param>
/// <param name="Mutations">Every mutation published, deduplicated.</param>
/// <param name="Releases">Every private release published, by release id (= mutation id).</param>
/// <param name="Showcased">The mutations shown in detail, one per user.</param>
/// <param name="Histories">The replayed events of each showcased user, in time order, by pseudonym.</param>
public sealed record DemoOutcome(
    IReadOnlyList<string> Notes,
    IReadOnlyList<PipelineSample> Samples,
    IReadOnlyList<MutationRecord> Mutations,
    IReadOnlyDictionary<string, RecommendationRecord> Releases,
    IReadOnlyList<MutationRecord> Showcased,
    IReadOnlyDictionary<string, IReadOnlyList<RawEvent>> Histories);
