using System.Diagnostics.CodeAnalysis;

namespace StreamRec.Ingest;

/// <summary>Either a <see cref="ValidatedEvent"/> or a rejection with a reason code and a detail.</summary>
public readonly record struct ValidationResult(ValidatedEvent? Event, string? Reason, string? Detail)
{
    [MemberNotNullWhen(true, nameof(Event))]
    [MemberNotNullWhen(false, nameof(Reason), nameof(Detail))]
    public bool IsValid => Event is not null;

    public static ValidationResult Valid(ValidatedEvent validated) => new(validated, null, null);

    public static ValidationResult Reject(string reason, string detail) => new(null, reason, detail);
}
