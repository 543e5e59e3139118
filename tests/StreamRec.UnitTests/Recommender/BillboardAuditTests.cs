using System.Globalization;
using System.Numerics;
using StreamRec.Recommender.Privacy;
using Xunit.Abstractions;

namespace StreamRec.UnitTests.Recommender;

/// <summary>
/// User-level DP audit of the billboard: a day's window of events goes through the production
/// <see cref="ContributionBound"/>, and each item's distinct-user count is released at each of the T steps
/// by a production <see cref="BinaryTreeCounter"/> whose node scale comes from
/// <see cref="BillboardAccountant"/>. Neighbouring windows differ by ALL of one heavy user's events (1,000
/// of them, over every item, from step 1 on, so that the counted ones enter a node at every level: the
/// worst case, where L·Levels = ε·t holds with equality).
/// <para>
/// <b>The output event.</b> The auditor sees the T released vectors, recovers every noisy node from them
/// (node at step s = release s minus release s - lowbit(s): the nodes are a function of the output), and
/// computes V = Σ over nodes of |y - a'| - |y - a|, with a and a' the exact node values on the two windows.
/// Since every node has discrete Laplace noise of one scale t, P(output | D)/P(output | D') = exp(V/t): V is
/// the privacy-loss variable up to the factor t, so the events {V = v} are the most revealing ones there
/// are (Neyman-Pearson), whatever t the mechanism used. <see cref="PrivacyAudit"/> then checks each of them
/// both ways with exact Chernoff bounds. False-failure rate of each audit: 1e-6 (Bonferroni over the
/// 2·‖a - a'‖₁ + 1 possible values of V and both directions). Noise comes from fixed seeds, so each run of
/// the test is reproducible; the rate is over the choice of seed.
/// </para>
/// <para>
/// The broken twins are realistic bugs, each of which the audit must catch: a node scale ten times too
/// small; a scale accounted for one tree level instead of Levels (the classic mistake with the tree
/// mechanism); and the counts fed without the contribution bound (every event counted).
/// </para>
/// </summary>
public sealed class BillboardAuditTests(ITestOutputHelper output)
{
    private const int Runs = 100_000;
    private const double FamilyFalseFailure = 1e-6;
    private const double Epsilon = 1;
    private const int L = 3;
    private const int T = 8; // Levels = 4, and every level releases its node covering step 1 within the day
    private const int Items = 5;
    private const long HeavyUser = 1_000_000;

    [Fact]
    public void One_users_removal_stays_within_e_to_the_epsilon_per_day()
    {
        var accountant = new BillboardAccountant(Epsilon, L, T);
        var result = Audit(bounded: true, accountant.NodeScale, seed: 1);
        output.WriteLine($"node scale {accountant.NodeScale}: {result}");
        Assert.False(result.Violated, $"the billboard mechanism: {result}");
    }

    [Fact]
    public void A_node_scale_ten_times_too_small_is_caught()
    {
        var scale = Math.Max(1, new BillboardAccountant(Epsilon, L, T).NodeScale / 10);
        var result = Audit(bounded: true, scale, seed: 2);
        output.WriteLine($"node scale {scale}: {result}");
        Assert.True(result.Violated, $"the broken mechanism (node scale / 10) was not caught: {result}");
    }

    [Fact]
    public void Noise_accounted_for_one_level_instead_of_all_levels_is_caught()
    {
        var scale = (long)Math.Ceiling(L / Epsilon); // what the accountant would give for a single release
        var result = Audit(bounded: true, scale, seed: 3);
        output.WriteLine($"node scale {scale}: {result}");
        Assert.True(result.Violated, $"the broken mechanism (one level's noise) was not caught: {result}");
    }

    [Fact]
    public void Counts_without_the_contribution_bound_are_caught()
    {
        var accountant = new BillboardAccountant(Epsilon, L, T);
        var result = Audit(bounded: false, accountant.NodeScale, seed: 4);
        output.WriteLine($"node scale {accountant.NodeScale}, no contribution bound: {result}");
        Assert.True(result.Violated, $"the broken mechanism (no contribution bound) was not caught: {result}");
    }

    private static AuditResult Audit(bool bounded, long scale, ulong seed)
    {
        var (with, without) = Windows();
        var first = Increments(with, bounded);
        var second = Increments(without, bounded);
        var (nodes, nodesPrime) = (ExactNodes(first), ExactNodes(second));
        var distance = nodes.Zip(nodesPrime, (a, b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Sum()).Sum();

        string Output(long[][] increments, IRandomSource random)
        {
            long loss = 0;
            for (var item = 0; item < Items; item++)
            {
                var counter = new BinaryTreeCounter(T, scale, random);
                var released = new long[T + 1];
                for (var s = 1; s <= T; s++)
                {
                    released[s] = counter.Add(increments[item][s - 1]);
                    var y = released[s] - released[s - LowBit(s)];
                    loss += Math.Abs(y - nodesPrime[item][s - 1]) - Math.Abs(y - nodes[item][s - 1]);
                }
            }

            return loss.ToString(CultureInfo.InvariantCulture);
        }

        var (random, randomPrime) = (new SeededRandomSource(seed), new SeededRandomSource(seed + 1_000));
        return PrivacyAudit.Run(() => Output(first, random), () => Output(second, randomPrime), Runs, Epsilon, (2 * (int)distance) + 1, FamilyFalseFailure);
    }

    /// <summary>The day's window with the heavy user, and without: other users' events are the same in both.</summary>
    private static (List<(int Step, long User, int Item)> With, List<(int Step, long User, int Item)> Without) Windows()
    {
        var random = new SeededRandomSource(16);
        int Next(int n) => (int)(random.NextUInt64() % (ulong)n);
        var others = Enumerable.Range(0, 400).Select(_ => (Step: Next(T), User: (long)Next(40), Item: Next(Items))).ToList();
        var heavy = Enumerable.Range(0, 1_000).Select(i => (Step: i * T / 1_000, User: HeavyUser, Item: i % Items)).ToList();
        var with = others.Concat(heavy).OrderBy(e => e.Step).ToList(); // stable: in each step, others first
        return (with, others.OrderBy(e => e.Step).ToList());
    }

    /// <summary>Per item, per step: the users counted now (through the bound), or every event (without it).</summary>
    private static long[][] Increments(List<(int Step, long User, int Item)> window, bool bounded)
    {
        var bound = new ContributionBound(L);
        var increments = Enumerable.Range(0, Items).Select(_ => new long[T]).ToArray();
        foreach (var (step, user, item) in window)
        {
            if (!bounded || bound.TryCount(user, item))
            {
                increments[item][step]++;
            }
        }

        return increments;
    }

    /// <summary>The exact node completed at each step s: the sum of the increments over (s - lowbit(s), s].</summary>
    private static long[][] ExactNodes(long[][] increments) => increments.Select(x =>
    {
        var prefix = new long[T + 1];
        for (var s = 1; s <= T; s++)
        {
            prefix[s] = prefix[s - 1] + x[s - 1];
        }

        return Enumerable.Range(1, T).Select(s => prefix[s] - prefix[s - LowBit(s)]).ToArray();
    }).ToArray();

    private static int LowBit(int s) => 1 << BitOperations.TrailingZeroCount(s);
}
