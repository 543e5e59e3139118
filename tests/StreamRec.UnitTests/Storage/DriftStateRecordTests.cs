using StreamRec.Contracts;
using StreamRec.DriftDetector.Detection;
using StreamRec.Storage;

namespace StreamRec.UnitTests.Storage;

public sealed class DriftStateRecordTests
{
    [Fact]
    public void A_record_reads_back_its_position_model_and_state()
    {
        var state = UserDriftState.New(4, new DriftParameters());
        state.Short[2] = 0.5f;
        state.Events = 9;

        var bytes = DriftStateRecord.Write(7, 1L << 40, "item2vec-abc", UserDriftStateCodec.Write(state));
        var read = DriftStateRecord.Read(bytes);

        Assert.Equal((7, 1L << 40, "item2vec-abc"), (read.Partition, read.Offset, read.ModelVersion));
        Assert.Equal(state.Short, read.State.Short);
        Assert.Equal(9, read.State.Events);
        Assert.Null(read.Origin);
        Assert.Equal(25 + 12 + UserDriftStateCodec.GetByteCount(4), bytes.Length);
        // The apply script reads the position from the first 12 bytes: little-endian i32 then i64.
        Assert.Equal([7, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0], bytes[..12]);
        // No origin: -1 and -1.
        Assert.Equal(Enumerable.Repeat((byte)0xFF, 12), bytes[12..24]);
    }

    [Fact]
    public void A_record_reads_back_the_origin_of_its_last_event()
    {
        var state = UserDriftState.New(4, new DriftParameters());

        var bytes = DriftStateRecord.Write(7, 99, "m", UserDriftStateCodec.Write(state), new EventOrigin(5, 1L << 35));
        var read = DriftStateRecord.Read(bytes);

        Assert.Equal(new EventOrigin(5, 1L << 35), read.Origin);
        Assert.Equal((7, 99L, "m"), (read.Partition, read.Offset, read.ModelVersion));
        Assert.Equal([7, 0, 0, 0, 99, 0, 0, 0, 0, 0, 0, 0], bytes[..12]);
    }

    [Fact]
    public void Truncated_or_damaged_records_are_rejected_with_a_clear_error()
    {
        var bytes = DriftStateRecord.Write(1, 2, "m", UserDriftStateCodec.Write(UserDriftState.New(4, new DriftParameters())));

        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => DriftStateRecord.Read(bytes.AsSpan(0, 10))).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => DriftStateRecord.Read(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<ArgumentException>(() => DriftStateRecord.Write(1, 2, new string('x', 256), []));
    }
}
