using StreamRec.DriftDetector.Detection;

namespace StreamRec.DriftDetector.State;

/// <summary>A user's drift state as stored, with the input position of the last event applied to it.</summary>
public sealed record StoredDriftState(UserDriftState State, int Partition, long Offset);
