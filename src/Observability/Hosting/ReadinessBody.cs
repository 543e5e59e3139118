using StreamRec.Observability.Health;

namespace StreamRec.Observability.Hosting;

/// <summary>The JSON answer of <c>/readyz</c>.</summary>
public sealed record ReadinessBody(bool Ready, DateTimeOffset CheckedAt, IReadOnlyList<ReadinessCheck> Checks);
