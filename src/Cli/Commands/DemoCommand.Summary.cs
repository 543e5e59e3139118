using StreamRec.Contracts;
using StreamRec.DriftDetector.Stage;
using StreamRec.Embedder.Stage;
using StreamRec.Ingest;
using StreamRec.Recommender.Stage;
using StreamRec.Replay;
using StreamRec.Replay.Terminal;

namespace StreamRec.Cli.Commands;

public static partial class DemoCommand
{
    /// <summary>The closing summary: what each stage did, with its counts reconciled.</summary>
    private sealed class DemoSummary(
        StageCounters counters,
        ReplayResult result,
        IReadOnlyList<MutationRecord> mutations,
        IReadOnlyDictionary<string, RecommendationRecord> releases,
        long items,
        RecommenderOptions recommender,
        TimeSpan elapsed)
    {
        private long Applied => counters.Total("streamrec_drift_events_applied_total");

        private long AlreadyApplied => counters.Total("streamrec_drift_events_replayed_total");

        private long Refused => counters.Total("streamrec_privacy_budget_exhausted_total");

        /// <summary>Every stage's input is accounted for by its outputs, and every mutation by a release or a reason.</summary>
        public bool Reconciled =>
            counters.Consumed(IngestProcessor.Stage) == counters.Forwarded(IngestProcessor.Stage) + counters.DeadLettered(IngestProcessor.Stage)
            && counters.Forwarded(EmbedderProcessor.Stage) + counters.DeadLettered(EmbedderProcessor.Stage) == counters.Consumed(EmbedderProcessor.Stage)
            && Applied + AlreadyApplied + counters.DeadLettered(DriftProcessor.Stage) == counters.Consumed(DriftProcessor.Stage)
            && mutations.Count == counters.Total(StageCounters.Mutations)
            && releases.Count + Refused + counters.Total("streamrec_recommendations_skipped_total") + counters.DeadLettered(RecommenderProcessor.Stage) == mutations.Count;

        /// <summary>Prints the summary and returns its lines (for the report).</summary>
        public List<string> Print()
        {
            var hits = counters.Total("streamrec_embed_cache_hits_total");
            var misses = counters.Total("streamrec_embed_cache_misses_total");
            var lines = new List<(string Label, string Text)>
            {
                ("events replayed", $"{result.Delivered:N0} delivered, {result.Failed:N0} failed, {result.Elapsed.TotalSeconds:0.0} s ({result.Delivered / Math.Max(result.Elapsed.TotalSeconds, 1e-3):N0} events/s)"),
                ("ingest", $"{counters.Consumed(IngestProcessor.Stage):N0} consumed = {counters.Forwarded(IngestProcessor.Stage):N0} forwarded (pseudonymised) + {counters.DeadLettered(IngestProcessor.Stage):N0} dead-lettered"),
                ("embedder", $"{counters.Forwarded(EmbedderProcessor.Stage):N0} embeddings, {items:N0} public films in the candidate catalog, cache hit rate {(hits + misses == 0 ? 0 : (double)hits / (hits + misses)):P1}"),
                ("drift detector", $"{counters.Consumed(DriftProcessor.Stage):N0} consumed = {Applied:N0} applied + {AlreadyApplied:N0} already applied + {counters.DeadLettered(DriftProcessor.Stage):N0} dead-lettered; {mutations.Count:N0} interest mutations of {mutations.Select(m => m.User).Distinct(StringComparer.Ordinal).Count():N0} users published"),
                ("recommender", recommender.IsJoint
                    ? $"{counters.Consumed(RecommenderProcessor.Stage):N0} mutations -> {releases.Count:N0} joint-mode releases (K={recommender.TopK}, popularity weight {recommender.Privacy.PopularityWeight:0.##} over the billboard; no per-user epsilon spent)"
                    : $"{counters.Consumed(RecommenderProcessor.Stage):N0} mutations -> {releases.Count:N0} private releases (K={recommender.TopK}, epsilon {recommender.EpsilonPerRelease:0.##} each, budget {recommender.BudgetCap:0.##} per {recommender.BudgetWindow.TotalHours:0} h), {Refused:N0} refused by the budget; epsilon spent {counters.Sum(StageCounters.EpsilonSpent):0.##} in all"),
                ("billboard", recommender.Billboard.Enabled
                    ? $"{counters.Total("streamrec_billboard_releases_total"):N0} release{(counters.Total("streamrec_billboard_releases_total") == 1 ? "" : "s")} of the per-cluster counts ({recommender.Billboard.Clusters} clusters, at most {recommender.Billboard.MaxItemsPerUser} films per user), user-level epsilon {recommender.Billboard.EpsilonPerWindow:0.##} per {recommender.Billboard.Window.TotalSeconds:N0}-s window (a demo setting: the default window is a day)"
                    : "off"),
                ("end to end", $"{elapsed.TotalSeconds:0.0} s from first event to last release, including the workers joining their consumer groups (about 3 s each on the embedded broker)"),
            };
            Console.WriteLine();
            Console.WriteLine("StreamRec demo summary");
            foreach (var (label, text) in lines)
            {
                Console.WriteLine($"  {label,-22}{text}");
            }

            return [.. lines.Select(l => $"{l.Label}: {l.Text}")];
        }
    }
}
