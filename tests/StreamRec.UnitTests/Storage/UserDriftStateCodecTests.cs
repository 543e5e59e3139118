using StreamRec.DriftDetector.Detection;
using StreamRec.Storage;
using StreamRec.UnitTests.DriftDetector;

namespace StreamRec.UnitTests.Storage;

public sealed class UserDriftStateCodecTests
{
    private static UserDriftState Sample(int dimension)
    {
        var streams = new DriftStreams(dimension, seed: 21);
        var parameters = new DriftParameters();
        var detector = new InterestDriftDetector(parameters);
        var state = UserDriftState.New(dimension, parameters);
        var centre = streams.Centre();
        for (var i = 0; i < 50; i++)
        {
            detector.Apply(state, streams.Around(centre, 0.5), 0.75f);
        }

        state.Cooldown = 3;
        return state;
    }

    [Fact]
    public void State_round_trips_exactly()
    {
        var state = Sample(64);

        var copy = UserDriftStateCodec.Read(UserDriftStateCodec.Write(state));

        Assert.Equal(state.Short, copy.Short);
        Assert.Equal(state.Long, copy.Long);
        Assert.Equal(
            (state.Events, state.DriftSamples, state.DriftMean, state.DriftVariance, state.Cusum, state.Cooldown),
            (copy.Events, copy.DriftSamples, copy.DriftMean, copy.DriftVariance, copy.Cusum, copy.Cooldown));
    }

    [Fact]
    public void A_user_at_d_64_takes_559_bytes()
    {
        Assert.Equal(559, UserDriftStateCodec.Write(Sample(64)).Length);
    }

    [Fact]
    public void Damaged_state_is_rejected_with_a_clear_error()
    {
        var bytes = UserDriftStateCodec.Write(Sample(8));

        Assert.Throws<InvalidDataException>(() => UserDriftStateCodec.Read([]));
        Assert.Throws<InvalidDataException>(() => UserDriftStateCodec.Read(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<InvalidDataException>(() => UserDriftStateCodec.Read([.. bytes, 0]));
        var otherVersion = (byte[])bytes.Clone();
        otherVersion[0] = 9;
        Assert.Contains("format 9", Assert.Throws<InvalidDataException>(() => UserDriftStateCodec.Read(otherVersion)).Message, StringComparison.Ordinal);
        var notFinite = (byte[])bytes.Clone();
        BitConverter.GetBytes(float.NaN).CopyTo(notFinite, 3);
        Assert.Throws<InvalidDataException>(() => UserDriftStateCodec.Read(notFinite));
    }
}
