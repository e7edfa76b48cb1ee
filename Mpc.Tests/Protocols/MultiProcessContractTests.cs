using Mpc.Tests.Infrastructure;

namespace Mpc.Tests.Protocols;

/// <summary>
/// The arithmetic contract on real sockets: three <c>mpc</c> party processes over mutually authenticated TLS on
/// loopback run every operation of a suite on public test inputs and check the opened results against plaintext.
/// </summary>
public sealed class MultiProcessContractTests
{
    [Theory]
    [InlineData("additive", "dealer", 2000)]
    [InlineData("additive", "ot", 2000)]
    [InlineData("shamir", "dealer", 2000)]
    [InlineData("replicated", "auto", 5000)]
    // Products of 40,000 elements open 80,000: past AdditiveSuite.ScatteredOpeningMinimum, by reduce-scatter and all-gather.
    [InlineData("additive", "dealer", 40_000)]
    public async Task EverySuiteOperation_OpensCorrectly_AcrossThreeProcesses(string suite, string preprocessing, int size)
    {
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: TimeSpan.FromSeconds(30), dealer: preprocessing == "dealer");
        string clusterFile = cluster.WriteFiles();
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "selftest", "--suite", suite,
            "--preprocessing", preprocessing, "--size", size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        int exit = await launch.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exit == 0, $"mpc launch exited {exit}\n{launch.Output}");
        for (int p = 0; p < 3; p++)
            Assert.Contains($"[p{p} p{p}] selftest ({suite}, 3 parties, {size} elements): 7 checks passed", launch.Stdout);
        // Only the dealer asks to be trusted, and says so; it deals, and it never hears an online value.
        bool dealt = suite == "additive" && preprocessing == "dealer";
        Assert.Equal(dealt, launch.Stdout.Contains("trust:", StringComparison.Ordinal));
        if (preprocessing == "dealer")
        {
            Assert.Contains("[dealer dealer] dealer: deals for the 3 computing parties", launch.Stdout);
            Assert.Matches(dealt ? @"\[dealer dealer\] dealer: [1-9]\d* dealings" : @"\[dealer dealer\] dealer: 0 dealings", launch.Stdout);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task MaliciousSecurity_SelfTestPasses_AcrossProcesses(int parties)
    {
        using var cluster = TestCluster.Create(parties, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles();
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "selftest", "--security", "malicious", "--size", "3000");
        int exit = await launch.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exit == 0, $"mpc launch exited {exit}\n{launch.Output}");
        for (int p = 0; p < parties; p++)
            Assert.Contains($"[p{p} p{p}] selftest (shamir, malicious, {parties} parties, 3000 elements): 7 checks passed", launch.Stdout);
    }

    [Theory]
    [InlineData("train-lr --checkpoint-every 1", "--checkpoint-every and --resume do not work with --security malicious yet")]
    [InlineData("selftest --suite replicated", "the replicated suite is semi-honest only")]
    public async Task MaliciousSecurity_WhereItDoesNotRun_RefusedByName(string job, string message)
    {
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles();
        using var launch = MpcProcess.Start(["launch", "--cluster", clusterFile, .. job.Split(' '), "--security", "malicious"]);
        int exit = await launch.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.NotEqual(0, exit);
        Assert.Contains(message, launch.Output);
    }

    [Fact]
    public async Task ReplicatedSuite_OtherThanThreeParties_RefusedSayingWhatToUse()
    {
        using var cluster = TestCluster.Create(2, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles();
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "selftest", "--suite", "replicated");
        int exit = await launch.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.NotEqual(0, exit);
        Assert.Contains("--suite replicated needs exactly three parties; this cluster has 2", launch.Output);
    }

    [Fact]
    public async Task GarbledComparison_SelfTestPasses_AcrossTwoProcesses()
    {
        using var cluster = TestCluster.Create(2, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles();
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "selftest", "--comparison", "garbled", "--size", "2000");
        int exit = await launch.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exit == 0, $"mpc launch exited {exit}\n{launch.Output}");
        for (int p = 0; p < 2; p++)
            Assert.Contains($"[p{p} p{p}] selftest (additive, 2 parties, 2000 elements): 7 checks passed", launch.Stdout);
    }

    [Fact]
    public async Task Examples_RunAsPartyProcesses()
    {
        using var cluster = TestCluster.Create(2, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles();
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "run", "--example", "millionaires");
        int exit = await launch.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"mpc launch exited {exit}\n{launch.Output}");
        Assert.Contains("millionaires: party 0 is not richer", launch.Stdout); // demo wealth: party 0 has 1000.25, party 1 2000.25
    }
}
