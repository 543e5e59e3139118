using Confluent.Kafka;
using StreamRec.Messaging.Stages;

namespace StreamRec.IntegrationTests.Embedding;

/// <summary>Passes batches to a stage's processor and records their sizes, so a test can see how the loop batched.</summary>
internal sealed class RecordingProcessor(IBatchProcessor inner) : IBatchProcessor
{
    private readonly List<int> _batchSizes = [];

    public string StageName => inner.StageName;

    public IReadOnlyList<int> BatchSizes
    {
        get
        {
            lock (_batchSizes)
            {
                return [.. _batchSizes];
            }
        }
    }

    public int Processed => BatchSizes.Sum();

    public async ValueTask<IReadOnlyList<OutgoingRecord>> ProcessAsync(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, CancellationToken cancellationToken)
    {
        var outputs = await inner.ProcessAsync(batch, cancellationToken);
        lock (_batchSizes)
        {
            _batchSizes.Add(batch.Count);
        }

        return outputs;
    }
}
