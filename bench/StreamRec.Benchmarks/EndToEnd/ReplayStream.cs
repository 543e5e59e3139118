using System.Globalization;
using StreamRec.Contracts;

namespace StreamRec.Benchmarks.EndToEnd;

/// <summary>
/// An endless stream of raw events made from the MovieLens replay: event n is replay event
/// n mod N of pass n / N, with its event time set to the wall clock when it is produced (so that latency
/// is measured from event time). Pass p's users are the replay's users with suffix
/// "~p mod <c>population</c>" (none for 0): with a large population every pass brings new users, as a
/// growing service would; with a small one the same users return, so the state held stays bounded (the
/// soak). Event ids get the pass number, so they stay unique.
/// </summary>
internal sealed class ReplayStream(IReadOnlyList<RawEvent> events, int population)
{
    public int Length => events.Count;

    public RawEvent At(long index, long nowMs)
    {
        var pass = index / events.Count;
        var source = events[(int)(index % events.Count)];
        var group = pass % population;
        return source with
        {
            EventId = pass == 0 ? source.EventId : string.Create(CultureInfo.InvariantCulture, $"{source.EventId}.{pass}"),
            UserId = group == 0 ? source.UserId : string.Create(CultureInfo.InvariantCulture, $"{source.UserId}~{group}"),
            Ts = nowMs,
        };
    }
}
