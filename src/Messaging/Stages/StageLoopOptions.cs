namespace StreamRec.Messaging.Stages;

/// <summary>How a stage reads its input: topic, consumer group and micro-batch bounds.</summary>
public sealed record StageLoopOptions
{
    public required string InputTopic { get; init; }

    public required string GroupId { get; init; }

    /// <summary>A batch is processed once it holds this many records...</summary>
    public int MaxBatchSize { get; init; } = 512;

    /// <summary>...or once this long has passed since its first record arrived.</summary>
    public TimeSpan MaxBatchWait { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Processed batches whose outputs may await acknowledgement while the next is consumed. More hides
    /// the broker's round trip; the cost is replay after a crash (at most this many batches).
    /// </summary>
    public int MaxInFlightBatches { get; init; } = 8;

    /// <summary>How long delivering a batch's output may take before the stage gives up and fails.</summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
