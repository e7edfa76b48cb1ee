using Mpc.Examples;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Examples;

/// <summary>The shipped examples run and compute what they claim.</summary>
public sealed class ExampleTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task SecureSum_EveryPartyLearnsTheTotalAndMean(int n)
    {
        double[] salaries = new[] { 52_000.25, 61_500.5, 48_250.75, 70_000, 55_125.5 }[..n];
        var results = await LocalParties.RunAsync(n, s => SecureSum.RunAsync(s, salaries[s.PartyId]));
        foreach (var (total, mean) in results)
        {
            Assert.Equal(salaries.Sum(), total, 3);
            Assert.Equal(salaries.Average(), mean, 3);
        }
    }

    [Theory]
    [InlineData(1_000_000.50, 999_999.75, true)]
    [InlineData(42.0, 42.0, false)]
    [InlineData(-5.0, 3.0, false)]
    public async Task Millionaires_TellsWhoIsRicher(double alice, double bob, bool aliceIsRicher)
    {
        var results = await LocalParties.RunAsync(2, s => Millionaires.RunAsync(s, s.PartyId == 0 ? alice : bob));
        Assert.All(results, r => Assert.Equal(aliceIsRicher, r));
    }

    [Fact]
    public async Task SecureDotProduct_GivesTheScore()
    {
        double[] weights = [0.5, -1.25, 2.0, 0.125], features = [3.0, 1.5, -0.75, 8.0];
        var results = await LocalParties.RunAsync(3, s => SecureDotProduct.RunAsync(
            s, s.PartyId switch { 0 => weights, 1 => features, _ => [] }, weights.Length));
        double expected = weights.Zip(features, (w, f) => w * f).Sum();
        foreach (var score in results) Assert.Equal(expected, score, 3);
    }
}
