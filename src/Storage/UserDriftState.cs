namespace StreamRec.Storage;

/// <summary>
/// What the detector keeps per user: the two interest vectors, the user's own running statistics of the
/// drift d, the CUSUM sum and the counters of warm-up and cool-down. Plain data so it can be stored
/// compactly (Redis) and compared exactly (tests). The detector computes it
/// (StreamRec.DriftDetector, which also makes a new user's state from its prior); it lives here, with its
/// Redis encoding, because the Recommender reads it too.
/// </summary>
public sealed class UserDriftState
{
    public UserDriftState(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Short = new float[dimension];
        Long = new float[dimension];
    }

    /// <summary>s: short-horizon interest vector.</summary>
    public float[] Short { get; }

    /// <summary>l: long-horizon interest vector.</summary>
    public float[] Long { get; }

    /// <summary>Events applied.</summary>
    public long Events { get; set; }

    /// <summary>Drift values folded into the running statistics (events after the first).</summary>
    public long DriftSamples { get; set; }

    /// <summary>Running mean of d (starts at the population prior).</summary>
    public double DriftMean { get; set; }

    /// <summary>Running variance of d (starts at the population prior).</summary>
    public double DriftVariance { get; set; }

    /// <summary>S of the one-sided CUSUM on z.</summary>
    public double Cusum { get; set; }

    /// <summary>Events left in the cool-down after the last mutation.</summary>
    public int Cooldown { get; set; }
}
