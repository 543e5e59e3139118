namespace StreamRec.Observability.Health;

/// <summary>
/// What this process must have to be ready: a consumer for each of <see cref="Stages"/> (the stage names
/// of their Kafka loops: ingest, embed, catalog, drift, recommend) and, when <see cref="NeedsRedis"/>, an
/// answering Redis.
/// </summary>
public sealed record ReadinessTargets(IReadOnlyList<string> Stages, bool NeedsRedis);
