namespace StreamRec.Recommender.Stage;

/// <summary>A release request's outcome and, for <see cref="ReleaseStatus.Published"/> and <see cref="ReleaseStatus.Republished"/>, the record to publish.</summary>
public sealed record ReleaseResult(ReleaseStatus Status, byte[]? Record);
