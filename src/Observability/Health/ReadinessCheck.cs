namespace StreamRec.Observability.Health;

/// <summary>One readiness condition and what was found: <c>kafka</c>, <c>partitions</c> or <c>redis</c>.</summary>
public sealed record ReadinessCheck(string Name, bool Ok, string Detail);
