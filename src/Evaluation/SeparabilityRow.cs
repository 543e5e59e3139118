namespace StreamRec.Evaluation;

/// <summary>
/// How well one item representation and score tell a user's own recent events from another user's
/// (<see cref="EncoderSeparability"/>), over a set of splices.
/// </summary>
/// <param name="Representation">The item representation, e.g. "encoder, all features".</param>
/// <param name="Score">The per-event score, e.g. "cos(e, centroid of A)".</param>
/// <param name="Splices">Splices measured (those with a long enough prefix).</param>
/// <param name="MeanAuc">Mean of the per-splice AUCs (NaN without splices).</param>
/// <param name="Low">2.5th percentile of the resampled means (NaN without splices).</param>
/// <param name="High">97.5th percentile of the resampled means (NaN without splices).</param>
/// <param name="ShareSeparated">Share of splices with an AUC above <see cref="EncoderSeparability.Separated"/> (NaN without splices).</param>
public sealed record SeparabilityRow(string Representation, string Score, int Splices, double MeanAuc, double Low, double High, double ShareSeparated);
