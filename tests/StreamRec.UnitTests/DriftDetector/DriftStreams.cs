namespace StreamRec.UnitTests.DriftDetector;

/// <summary>Seeded synthetic interest streams: unit vectors scattered around a few cluster centres.</summary>
internal sealed class DriftStreams(int dimension, int seed)
{
    private readonly Random _random = new(seed);

    public int Dimension { get; } = dimension;

    public float[] Centre() => Normalised(Enumerable.Range(0, Dimension).Select(_ => Gaussian()).ToArray());

    public float[] Around(float[] centre, double noise) =>
        Normalised(centre.Select(c => (float)(c + (noise * Gaussian()))).ToArray());

    private float Gaussian() => (float)(Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble()));

    private static float[] Normalised(float[] v)
    {
        var norm = Math.Sqrt(v.Sum(x => (double)x * x));
        return v.Select(x => (float)(x / norm)).ToArray();
    }
}
