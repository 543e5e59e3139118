using StackExchange.Redis;

namespace StreamRec.Storage;

/// <summary>
/// Reads a user's drift state as the DriftDetector stores it (<see cref="DriftStateKeys.User"/>,
/// <see cref="DriftStateRecord"/>), for the Recommender's joint mode, which places the user in a billboard
/// cluster by their long-horizon vector, without depending on the detector's assembly.
/// </summary>
public sealed class DriftStateReader(IDatabase database)
{
    /// <summary>The user's stored state, or null when there is none (never active, expired, or erased).</summary>
    /// <exception cref="InvalidDataException">The stored value is not a drift state this build reads.</exception>
    public async Task<StoredDriftState?> ReadAsync(string user)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        var value = await database.StringGetAsync(DriftStateKeys.User(user)).ConfigureAwait(false);
        return value.IsNull ? null : DriftStateRecord.Read((byte[])value!);
    }
}
