using StreamRec.Storage;

namespace StreamRec.DriftDetector.Detection;

/// <summary>
/// The detector's side of <see cref="UserDriftState"/>: the state a new user starts from, which depends on
/// <see cref="DriftParameters"/>. A static extension, so callers keep writing <c>UserDriftState.New</c>
/// while the state's shape and encoding live in Storage (read by the Recommender too).
/// </summary>
public static class UserDriftStateExtensions
{
    extension(UserDriftState)
    {
        /// <summary>A new user's state: zero vectors and the population prior of d.</summary>
        public static UserDriftState New(int dimension, DriftParameters parameters)
        {
            ArgumentNullException.ThrowIfNull(parameters);
            return new UserDriftState(dimension)
            {
                DriftMean = parameters.PriorMean,
                DriftVariance = parameters.PriorStandardDeviation * parameters.PriorStandardDeviation,
            };
        }
    }
}
