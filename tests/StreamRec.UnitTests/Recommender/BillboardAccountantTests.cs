using StreamRec.Recommender.Privacy;

namespace StreamRec.UnitTests.Recommender;

/// <summary>The billboard's accounting: exact arithmetic on the documented guarantee, and the counter agrees with it.</summary>
public sealed class BillboardAccountantTests
{
    [Theory]
    [InlineData(1, 32, 24)]
    [InlineData(0.5, 32, 24)]
    [InlineData(2, 32, 24)]
    [InlineData(4, 32, 24)]
    [InlineData(8, 32, 24)]
    [InlineData(1, 3, 8)]
    [InlineData(3, 1, 8)] // ceil(4/3): spends 4/2 = 2 < 3
    [InlineData(0.7, 5, 1)]
    public void A_days_releases_spend_at_most_the_per_day_epsilon_and_exactly_what_the_node_scale_implies(double epsilon, int l, int releases)
    {
        var accountant = new BillboardAccountant(epsilon, l, releases);

        Assert.Equal((long)Math.Ceiling(l * BinaryTreeCounter.LevelsFor(releases) / epsilon), accountant.NodeScale);
        Assert.Equal((double)l * accountant.Levels / accountant.NodeScale, accountant.SpentPerDay, 12);
        Assert.True(accountant.SpentPerDay <= epsilon * (1 + 1e-12), $"spent {accountant.SpentPerDay} > ε = {epsilon}");
        Assert.Equal(accountant.SpentPerDay, accountant.SpentAfter(releases), 12);

        // Spending only grows through the day, one level's L/t at a time, and never past the day's total.
        var previous = 0.0;
        for (var s = 1; s <= releases; s++)
        {
            var spent = accountant.SpentAfter(s);
            Assert.True(spent >= previous && spent <= accountant.SpentPerDay + 1e-12);
            Assert.Equal(BinaryTreeCounter.LevelsFor(s) * accountant.SpentPerLevel, spent, 12);
            previous = spent;
        }
    }

    [Theory]
    [InlineData(1, 32, 24)] // L·Levels = 160, a multiple of ε: no rounding
    [InlineData(0.5, 32, 24)]
    [InlineData(2, 32, 24)]
    [InlineData(8, 32, 24)]
    [InlineData(1, 3, 8)]
    public void When_epsilon_divides_L_times_levels_the_day_spends_exactly_the_documented_guarantee(double epsilon, int l, int releases) =>
        Assert.Equal(epsilon, new BillboardAccountant(epsilon, l, releases).SpentPerDay, 12);

    [Theory]
    [InlineData(24, 1, 32)]
    [InlineData(24, 0.5, 32)]
    [InlineData(8, 3, 1)]
    [InlineData(1, 4, 1)]
    [InlineData(1000, 0.3, 7)]
    public void The_counters_node_scale_is_the_accountants(int horizon, double epsilon, double sensitivity) =>
        Assert.Equal(new BillboardAccountant(epsilon, sensitivity, horizon).NodeScale, BinaryTreeCounter.NodeScale(horizon, epsilon, sensitivity));

    [Fact]
    public void Nothing_is_spent_before_the_first_release_and_the_level_count_follows_the_tree()
    {
        var accountant = new BillboardAccountant(1, 32, 24);
        Assert.Equal(0, accountant.SpentAfter(0));
        Assert.Equal(5, accountant.Levels); // floor(log2 24) + 1
        Assert.Equal(160, accountant.NodeScale);
        Assert.Equal(1.0, accountant.SpentAfter(16), 12); // the fifth level's first node is released at step 16
        Assert.Equal(0.8, accountant.SpentAfter(15), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => accountant.SpentAfter(25));
    }

    [Fact]
    public void An_impossible_budget_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BillboardAccountant(0, 32, 24));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BillboardAccountant(1, 0, 24));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BillboardAccountant(1, 32, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BillboardAccountant(1e-12, 32, 24)); // scale past the sampler's range
    }
}
