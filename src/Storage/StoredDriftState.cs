using StreamRec.Contracts;

namespace StreamRec.Storage;

/// <summary>
/// A user's drift state as stored, with the input position of the last event applied to it and the
/// encoder model version its vectors were built from ("" when written without one), and the origin of
/// the last applied event that had one (<see cref="EventOrigin"/>), by which upstream replays are recognised.
/// </summary>
public sealed record StoredDriftState(UserDriftState State, int Partition, long Offset, string ModelVersion, EventOrigin? Origin = null);
