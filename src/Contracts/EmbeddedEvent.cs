namespace StreamRec.Contracts;

/// <summary>
/// An event with its item's embedding, as the Embedder writes it to the embedded-events topic (one per
/// clean event, keyed by <see cref="User"/>, in the binary format of <see cref="EmbeddedEventCodec"/>).
/// It is what the DriftDetector folds into a user's interest vectors.
/// </summary>
public sealed record EmbeddedEvent
{
    /// <summary>The clean event's id, so that downstream stages can deduplicate replays.</summary>
    public required string EventId { get; init; }

    /// <summary>Keyed pseudonym of the user (never the raw user id), also the record key.</summary>
    public required string User { get; init; }

    public required string ItemId { get; init; }

    /// <summary>Event time, Unix epoch milliseconds.</summary>
    public required long Ts { get; init; }

    /// <summary>The weight of the event's type, as Ingest configured it.</summary>
    public required float Weight { get; init; }

    /// <summary>The encoder model that produced <see cref="Embedding"/>: vectors of different versions are not comparable.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>
    /// The item's embedding, float32[D] (unit length for the default encoder, or all zeros for an item
    /// without features). A view: it may alias a buffer of the writer, so copy it to keep it.
    /// </summary>
    public required ReadOnlyMemory<float> Embedding { get; init; }

    /// <summary>The raw record the event came from (<see cref="EventOrigin"/>), when Ingest made it.</summary>
    public EventOrigin? Origin { get; init; }
}
