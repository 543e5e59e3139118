namespace StreamRec.Evaluation;

/// <summary>An interest cluster of the catalog: its items, how often each is drawn, and a readable label.</summary>
/// <param name="Items">Item rows.</param>
/// <param name="DrawWeights">Relative probability of drawing each item (the synthetic users draw popular films more often, as real ones do).</param>
/// <param name="Label">For people, e.g. the cluster's most common genres.</param>
public sealed record ItemCluster(int[] Items, double[] DrawWeights, string Label);
