namespace StreamRec.Contracts;

/// <summary>
/// Where Ingest read an event: its partition and offset on the raw-events topic. It travels with the
/// event through every later stage, so that a copy of the event made by a replay anywhere upstream (a
/// stage that crashed after producing but before committing produces its outputs again, at new offsets)
/// is still recognisably the same event: the DriftDetector applies a user's events in raw-offset order
/// and skips one at or below the origin it last applied (see <c>DriftProcessor</c>).
/// </summary>
/// <param name="Partition">Raw-events partition (>= 0).</param>
/// <param name="Offset">Offset in that partition (>= 0).</param>
public sealed record EventOrigin(int Partition, long Offset);
