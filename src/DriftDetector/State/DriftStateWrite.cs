using StreamRec.Contracts;
using StreamRec.Storage;

namespace StreamRec.DriftDetector.State;

/// <summary>
/// One user's state to store: the encoded state (<see cref="UserDriftStateCodec"/>) as of input
/// record (<see cref="Partition"/>, <see cref="Offset"/>), built from vectors of <see cref="ModelVersion"/>,
/// the origin of the last applied event that had one, and, when the stage keeps them, the items of the
/// events applied with their offsets.
/// </summary>
public sealed record DriftStateWrite(
    string User, int Partition, long Offset, string ModelVersion, byte[] State, IReadOnlyList<(string ItemId, long Offset)>? RecentItems = null, EventOrigin? Origin = null);
