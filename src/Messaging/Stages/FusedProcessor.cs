using Confluent.Kafka;

namespace StreamRec.Messaging.Stages;

/// <summary>One stage of a fused chain and the topic it would consume in a split deployment.</summary>
public sealed record FusedLink(IBatchProcessor Processor, string InputTopic);

/// <summary>
/// Several stages in one process, run as one: <see cref="StageLoop"/> consumes the first stage's topic,
/// and each batch passes in process through the stages in order (Ingest -> Embedder -> DriftDetector ->
/// Recommender, with the billboard's counting beside the DriftDetector). A stage's output to a topic that
/// a later stage of the chain reads is handed to that stage directly; what leaves the process is only
/// what somebody else reads: dead letters, mutations, recommendations, and any topic no stage of the
/// chain reads. The clean and embedded topics are not written unless
/// <c>writeIntermediateTopics</c> asks for them (for auditing and debugging), or, for the embedded
/// topic alone, <c>writeEmbeddedTopic</c> (a billboard in another process reads it). Where every stage
/// of the chain reading a topic takes payloads (<see cref="IBatchProcessor.ReadsPayloads"/>), a record
/// is handed on with the typed event its stage made (<see cref="HandedOnRecord"/>), so the next stage
/// does not parse what the previous one encoded, and a topic that is not written is not encoded at all
/// (<see cref="IBatchProcessor.HandOnPayloads"/>); what is written is byte for byte what split writes.
/// <para>
/// Effects are those of the split topology. <see cref="StageLoop"/> stores the input offsets only after
/// every output of the batch is acknowledged and every stateful stage (the DriftDetector) has written
/// its state (<see cref="CompleteBatchAsync"/>), so a crash replays the batch and never skips it. A
/// record handed on keeps the input position of the record it came from (stages whose outputs answer
/// their inputs one for one, <see cref="IBatchProcessor.OutputsMatchInputs"/>): the DriftDetector sees
/// each event at its raw partition and offset, and recognises a replayed copy by that raw origin as it
/// does in a split deployment. Per-user order is kept: a user's events share a raw partition, and a batch
/// passes through the stages in input order.
/// </para>
/// <para>
/// Each stage is still counted under its own name (<c>streamrec_events_consumed_total{stage}</c> and
/// the forwarded and dead-lettered counters), when the batch completes, as <see cref="StageLoop"/>
/// counts a split stage: forwarded then means handed to the next stage. Not thread-safe: one loop
/// calls it.
/// </para>
/// </summary>
public sealed class FusedProcessor : IStatefulBatchProcessor
{
    public const string Stage = "fused";

    private readonly FusedLink[] _links;
    private readonly StreamRecMetrics _metrics;
    private readonly KeyValuePair<string, object?>[] _stageTags;
    private readonly HashSet<string> _handedOn = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unwritten = new(StringComparer.Ordinal);
    private readonly Queue<LinkCounts[]> _pending = new();

    /// <param name="links">The stages in pipeline order; the first one's input topic is the one consumed.</param>
    /// <param name="topics">The topic names (which of them are intermediate).</param>
    /// <param name="metrics">The host's instruments, for the per-stage counters.</param>
    /// <param name="writeIntermediateTopics">Also write the clean and embedded records the chain hands on.</param>
    /// <param name="writeEmbeddedTopic">Also write the embedded records (a billboard elsewhere reads them).</param>
    public FusedProcessor(IReadOnlyList<FusedLink> links, TopicNames topics, StreamRecMetrics metrics, bool writeIntermediateTopics = false, bool writeEmbeddedTopic = false)
    {
        ArgumentNullException.ThrowIfNull(links);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(metrics);
        if (links.Count == 0)
        {
            throw new ArgumentException("A fused chain needs at least one stage.", nameof(links));
        }

        _links = [.. links];
        _metrics = metrics;
        _stageTags = [.. _links.Select(l => new KeyValuePair<string, object?>("stage", l.Processor.StageName))];
        for (var i = 1; i < _links.Length; i++)
        {
            _handedOn.Add(_links[i].InputTopic);
        }

        if (!writeIntermediateTopics)
        {
            foreach (var topic in (string[])[topics.Clean, topics.Embedded])
            {
                if (_handedOn.Contains(topic) && !(writeEmbeddedTopic && topic == topics.Embedded))
                {
                    _unwritten.Add(topic);
                }
            }
        }

        // A topic whose every reader in the chain takes payloads is handed on as objects, not re-parsed;
        // its values are left out altogether when it is not written either.
        foreach (var topic in _handedOn)
        {
            if (_links.Skip(1).Where(l => l.InputTopic == topic).All(l => l.Processor.ReadsPayloads))
            {
                foreach (var link in _links)
                {
                    link.Processor.HandOnPayloads(topic, written: !_unwritten.Contains(topic));
                }
            }
        }

        // Exported at zero from the start, as a split stage's loop does: a dashboard shows 0 rather than no data.
        for (var i = 0; i < _links.Length; i++)
        {
            _metrics.EventsConsumed.Add(0, _stageTags[i]);
            _metrics.EventsForwarded.Add(0, _stageTags[i]);
            foreach (var reason in _links[i].Processor.DeadLetterReasons)
            {
                _metrics.EventsDeadLettered.Add(0, _stageTags[i], new KeyValuePair<string, object?>("reason", reason));
            }
        }
    }

    public string StageName => Stage;

    /// <summary>The chain counts each of its stages itself.</summary>
    public bool CountsOwnEvents => true;

    /// <summary>The topic the chain consumes.</summary>
    public string InputTopic => _links[0].InputTopic;

    /// <summary>The topics the chain hands on in process and does not write.</summary>
    public IReadOnlyCollection<string> UnwrittenTopics => _unwritten;

    /// <summary>Processed batches not completed yet.</summary>
    public int PendingBatches => _pending.Count;

    public async ValueTask<IReadOnlyList<OutgoingRecord>> ProcessAsync(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var inputs = new Dictionary<string, List<ConsumeResult<byte[]?, byte[]?>>>(StringComparer.Ordinal);
        var counts = new LinkCounts[_links.Length];
        var outputs = new List<OutgoingRecord>(batch.Count);
        for (var i = 0; i < _links.Length; i++)
        {
            var link = _links[i];
            // A later stage may read the consumed topic too (the billboard beside a chain that starts at the DriftDetector).
            IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> records = inputs.TryGetValue(link.InputTopic, out var handed) ? handed
                : link.InputTopic == InputTopic ? batch : [];
            if (records.Count == 0)
            {
                continue; // nothing reached this stage: it is neither called nor completed for this batch
            }

            var produced = await link.Processor.ProcessAsync(records, cancellationToken).ConfigureAwait(false);
            counts[i] = new LinkCounts { Processed = true, Consumed = records.Count };
            var aligned = link.Processor.OutputsMatchInputs && produced.Count == records.Count;
            for (var j = 0; j < produced.Count; j++)
            {
                var output = produced[j];
                counts[i].Count(output);
                if (output.DeadLetterReason is null && _handedOn.Contains(output.Topic))
                {
                    if (!inputs.TryGetValue(output.Topic, out var next))
                    {
                        next = new List<ConsumeResult<byte[]?, byte[]?>>(produced.Count);
                        inputs[output.Topic] = next;
                    }

                    next.Add(HandedOn(output, aligned ? records[j] : null));
                    if (_unwritten.Contains(output.Topic))
                    {
                        continue;
                    }
                }

                outputs.Add(output);
            }
        }

        _pending.Enqueue(counts);
        return outputs;
    }

    public async Task CompleteBatchAsync()
    {
        if (!_pending.TryPeek(out var counts))
        {
            throw new InvalidOperationException("CompleteBatchAsync was called without a processed batch awaiting it.");
        }

        // In pipeline order, each stage that processed the batch; the batch stays queued until all are done,
        // so a failure here leaves it to be abandoned with the partitions (nothing more of it is written).
        for (var i = 0; i < _links.Length; i++)
        {
            if (counts[i].Processed && _links[i].Processor is IStatefulBatchProcessor stateful)
            {
                await stateful.CompleteBatchAsync().ConfigureAwait(false);
            }
        }

        _pending.Dequeue();
        for (var i = 0; i < _links.Length; i++)
        {
            if (counts[i].Processed)
            {
                counts[i].AddTo(_metrics, _stageTags[i]);
            }
        }
    }

    public void PartitionsRevoked(IReadOnlyCollection<TopicPartition> partitions)
    {
        foreach (var link in _links)
        {
            (link.Processor as IStatefulBatchProcessor)?.PartitionsRevoked(partitions);
        }
    }

    public void PartitionsLost(IReadOnlyCollection<TopicPartition> partitions)
    {
        _pending.Clear();
        foreach (var link in _links)
        {
            (link.Processor as IStatefulBatchProcessor)?.PartitionsLost(partitions);
        }
    }

    /// <summary>
    /// An output as the next stage's input record, with its payload: at the position of the input it
    /// answers (the chain's input topic, partition and offset), or, for a stage whose outputs do not
    /// answer its inputs one for one, at no position (no later stage uses one: the Recommender keys
    /// everything by mutation id).
    /// </summary>
    private static HandedOnRecord HandedOn(OutgoingRecord output, ConsumeResult<byte[]?, byte[]?>? source) => source is null
        ? new HandedOnRecord { Topic = output.Topic, Partition = Partition.Any, Offset = Offset.Unset, Message = output.Message, Payload = output.Payload }
        : new HandedOnRecord
        {
            // Field by field: the TopicPartitionOffset getter allocates a new one each time.
            Topic = source.Topic,
            Partition = source.Partition,
            Offset = source.Offset,
            LeaderEpoch = source.LeaderEpoch,
            Message = output.Message,
            Payload = output.Payload,
        };

    /// <summary>What one stage did with one batch, counted when the batch completes.</summary>
    private struct LinkCounts
    {
        public bool Processed;
        public int Consumed;
        public int Forwarded;
        public Dictionary<string, int>? DeadLettered;

        public void Count(OutgoingRecord output)
        {
            if (output.DeadLetterReason is { } reason)
            {
                DeadLettered ??= new Dictionary<string, int>(StringComparer.Ordinal);
                DeadLettered[reason] = DeadLettered.GetValueOrDefault(reason) + 1;
            }
            else
            {
                Forwarded++;
            }
        }

        public readonly void AddTo(StreamRecMetrics metrics, KeyValuePair<string, object?> stage)
        {
            metrics.EventsConsumed.Add(Consumed, stage);
            metrics.EventsForwarded.Add(Forwarded, stage);
            if (DeadLettered is not null)
            {
                foreach (var (reason, count) in DeadLettered)
                {
                    metrics.EventsDeadLettered.Add(count, stage, new KeyValuePair<string, object?>("reason", reason));
                }
            }
        }
    }
}
