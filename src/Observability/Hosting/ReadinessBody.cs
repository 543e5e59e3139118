using StreamRec.Observability.Health;

namespace StreamRec.Observability.Hosting;

/// <summary>
/// The JSON answer of <c>/readyz</c>. <see cref="State"/> is <c>ready</c>, <c>starting</c> (not ready yet,
/// still within what a start takes) or <c>not_ready</c>.
/// </summary>
public sealed record ReadinessBody(bool Ready, string State, DateTimeOffset CheckedAt, IReadOnlyList<ReadinessCheck> Checks);
