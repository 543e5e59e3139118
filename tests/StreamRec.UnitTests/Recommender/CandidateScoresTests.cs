using System.Globalization;
using StreamRec.Recommender.Scoring;

namespace StreamRec.UnitTests.Recommender;

public sealed class CandidateScoresTests
{
    [Fact]
    public void Scores_are_the_dot_products_of_a_plain_loop()
    {
        var random = new Random(11);
        const int d = 37; // not a multiple of any SIMD width: the kernels' remainders are exercised
        var matrix = new ItemMatrix(d, 10);
        for (var i = 0; i < 500; i++)
        {
            matrix.Add(i.ToString(CultureInfo.InvariantCulture), [.. Enumerable.Range(0, d).Select(_ => (float)random.NextDouble() - 0.5f)]);
        }

        var user = Enumerable.Range(0, d).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var scores = new float[matrix.Count + 3];
        CandidateScores.Compute(matrix, user, scores);

        for (var j = 0; j < matrix.Count; j++)
        {
            var row = matrix.Row(j);
            var expected = 0.0;
            for (var i = 0; i < d; i++)
            {
                expected += (double)row[i] * user[i];
            }

            Assert.Equal(expected, scores[j], 1e-5);
        }

        Assert.Equal(0, scores[^1]); // beyond Count: untouched
        Assert.Throws<ArgumentException>(() => CandidateScores.Compute(matrix, user, new float[matrix.Count - 1]));
        Assert.Throws<ArgumentException>(() => CandidateScores.Compute(matrix, user[..^1], scores));
    }

    [Fact]
    public void Top_k_is_exact_with_ties_broken_by_row_and_exclusions_skipped()
    {
        var random = new Random(12);
        for (var trial = 0; trial < 200; trial++)
        {
            // Few distinct values, so that ties are everywhere.
            var scores = Enumerable.Range(0, random.Next(1, 300)).Select(_ => (float)random.Next(-5, 6)).ToArray();
            var excluded = new HashSet<int>(Enumerable.Range(0, 20).Select(_ => random.Next(scores.Length)));
            var k = random.Next(0, 40);
            var expected = Enumerable.Range(0, scores.Length)
                .Where(row => !excluded.Contains(row))
                .OrderByDescending(row => scores[row]).ThenBy(row => row)
                .Take(k).ToArray();

            Assert.Equal(expected, CandidateScores.TopK(scores, k, excluded));
        }
    }

    [Fact]
    public void Top_k_without_exclusions_and_beyond_the_count()
    {
        float[] scores = [0.5f, 0.9f, -1f, 0.9f, 0.1f];
        Assert.Equal([1, 3, 0, 4, 2], CandidateScores.TopK(scores, 10));
        Assert.Equal([1, 3], CandidateScores.TopK(scores, 2));
        Assert.Empty(CandidateScores.TopK(scores, 0));
        Assert.Throws<ArgumentException>(() => CandidateScores.TopK([0f, float.NaN], 1));
    }
}
