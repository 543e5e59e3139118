namespace StreamRec.DriftDetector.Detection;

/// <summary>The outcome of applying one event: the drift d, its self-normalised score z, the CUSUM sum, and whether a mutation was flagged.</summary>
public readonly record struct DriftStep(double Drift, double Score, double Cusum, bool Mutation);
