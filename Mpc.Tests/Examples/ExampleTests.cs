using Mpc.Core.Arithmetic;
using Mpc.Examples;
using Mpc.Protocols.Malicious;
using Mpc.Tests.Infrastructure;
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

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task ExamplesOnTheActivelySecureSuite_GiveTheSameResults(int n)
    {
        double[] salaries = new[] { 52_000.25, 61_500.5, 48_250.75, 70_000 }[..n];
        double[] weights = [0.5, -1.25, 2.0, 0.125], features = [3.0, 1.5, -0.75, 8.0];
        var results = await LocalParties.RunAsync(n, async s =>
        {
            var suite = await MaliciousShamirSuite<Mersenne127>.CreateAsync(s);
            var sum = await SecureSum.RunAsync(suite, salaries[s.PartyId]);
            var score = await SecureDotProduct.RunAsync(suite, s.PartyId switch { 0 => weights, 1 => features, _ => [] }, weights.Length);
            return (sum, score);
        });
        foreach (var ((total, mean), score) in results)
        {
            Assert.Equal(salaries.Sum(), total, 3);
            Assert.Equal(salaries.Average(), mean, 3);
            Assert.Equal(weights.Zip(features, (w, f) => w * f).Sum(), score, 3);
        }
    }

    [Fact]
    public async Task RunExample_WithMaliciousSecurity_AcrossThreeProcesses()
    {
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles();
        using (var sum = MpcProcess.Start("launch", "--cluster", clusterFile, "run", "--example", "secure-sum", "--security", "malicious"))
        {
            Assert.True(await sum.WaitForExitAsync(TimeSpan.FromSeconds(120)) == 0, sum.Output);
            // The demo values: 1000 (p + 1) + 0.25 for p = 0, 1, 2.
            for (int p = 0; p < 3; p++) Assert.Contains($"[p{p} p{p}] secure-sum: total 6000.75, mean 2000.25", sum.Stdout);
        }
        using var refused = MpcProcess.Start("launch", "--cluster", clusterFile, "run", "--example", "millionaires", "--security",
            "malicious");
        Assert.NotEqual(0, await refused.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        Assert.Contains("millionaires is a 2-party example", refused.Output);
    }
}
