using StreamRec.DriftDetector.Detection;
using StreamRec.Recommender.Privacy;
using StreamRec.Recommender.Scoring;
using StreamRec.Storage;
using Xunit.Abstractions;

namespace StreamRec.UnitTests.Recommender;

/// <summary>
/// DP audit of the whole selection path on neighbouring histories. Two users' short-horizon vectors s, s'
/// are built with the real update rule (InterestDriftDetector, a_s = 0.3) from event sequences that
/// differ in one event: the last one is e_1 for one and -e_1 for the other, at weight 1, the worst case
/// of the sensitivity bound (scores of items e_1 and -e_1 move by 2 a w_max = Δ = 0.6 in opposite
/// directions, so their gap moves by 2Δ). Earlier events point along e_3, orthogonal to every item, so
/// the other two items (e_2, -e_2) score 0 on both. The mechanism is the production one, from the
/// cryptographic source; the broken one is the same code told a sensitivity ten times too small, which
/// divides its noise by ten (a realistic bug: a wrong Δ). False-failure rate of each audit: 1e-6.
/// </summary>
public sealed class PrivateTopKAuditTests(ITestOutputHelper output)
{
    private const int Runs = 200_000;
    private const double FamilyFalseFailure = 1e-6;

    [Fact]
    public void Top_one_stays_within_e_to_the_epsilon_on_neighbours_and_a_tenfold_too_small_noise_is_caught()
    {
        var (catalog, s, sPrime) = NeighbouringUsers();
        const double epsilon = 1;
        var delta = ScoreSensitivity.Default;

        var correct = Audit(catalog, s, sPrime, k: 1, epsilon, delta, possibleOutputs: 4);
        output.WriteLine($"correct: {correct}");
        Assert.False(correct.Violated, $"the correct mechanism: {correct}");

        var broken = Audit(catalog, s, sPrime, k: 1, epsilon, delta / 10, possibleOutputs: 4);
        output.WriteLine($"broken: {broken}");
        Assert.True(broken.Violated, $"the broken mechanism (noise / 10) was not caught: {broken}");
    }

    [Fact]
    public void The_ordered_top_two_stays_within_e_to_the_epsilon_and_the_broken_one_is_caught()
    {
        var (catalog, s, sPrime) = NeighbouringUsers();
        const double epsilon = 2; // 1 per round
        var delta = ScoreSensitivity.Default;

        var correct = Audit(catalog, s, sPrime, k: 2, epsilon, delta, possibleOutputs: 12);
        output.WriteLine($"correct: {correct}");
        Assert.False(correct.Violated, $"the correct mechanism: {correct}");

        var broken = Audit(catalog, s, sPrime, k: 2, epsilon, delta / 10, possibleOutputs: 12);
        output.WriteLine($"broken: {broken}");
        Assert.True(broken.Violated, $"the broken mechanism (noise / 10) was not caught: {broken}");
    }

    private static AuditResult Audit(ItemMatrix catalog, float[] s, float[] sPrime, int k, double epsilon, double sensitivity, int possibleOutputs)
    {
        var scores = new float[catalog.Count];
        var scoresPrime = new float[catalog.Count];
        CandidateScores.Compute(catalog, s, scores);
        CandidateScores.Compute(catalog, sPrime, scoresPrime);
        var mechanism = new PrivateTopK();
        string Output(float[] x) => string.Join(',', mechanism.Select(x, k, epsilon, sensitivity, CryptoRandomSource.Shared).Rows);
        return PrivacyAudit.Run(() => Output(scores), () => Output(scoresPrime), Runs, epsilon, possibleOutputs, FamilyFalseFailure);
    }

    internal static (ItemMatrix Catalog, float[] S, float[] SPrime) NeighbouringUsers()
    {
        const int d = 8;
        var catalog = new ItemMatrix(d, 4);
        catalog.Add("e1", Basis(d, 0, 1));
        catalog.Add("-e1", Basis(d, 0, -1));
        catalog.Add("e2", Basis(d, 1, 1));
        catalog.Add("-e2", Basis(d, 1, -1));

        var parameters = new DriftParameters();
        var detector = new InterestDriftDetector(parameters);
        float[] weights = [0.25f, 0.5f, 0.75f, 1f];
        UserDriftState History(float lastSign)
        {
            var state = UserDriftState.New(d, parameters);
            for (var i = 0; i < 12; i++)
            {
                detector.Apply(state, Basis(d, 2, 1), weights[i % 4]);
            }

            detector.Apply(state, Basis(d, 0, lastSign), 1f);
            return state;
        }

        return (catalog, History(1).Short, History(-1).Short);
    }

    private static float[] Basis(int d, int axis, float sign)
    {
        var v = new float[d];
        v[axis] = sign;
        return v;
    }
}
