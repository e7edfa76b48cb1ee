using Mpc.Tests.Infrastructure;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols;

/// <summary>
/// The arithmetic contract on real sockets: three <c>mpc</c> party processes over mutually authenticated TLS on
/// loopback run every operation of a suite on public test inputs and check the opened results against plaintext.
/// </summary>
public sealed class MultiProcessContractTests
{
    [Theory]
    [InlineData("additive")]
    [InlineData("shamir")]
    public async Task EverySuiteOperation_OpensCorrectly_AcrossThreeProcesses(string suite)
    {
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles();
        var (exit, output, error) = await MpcProcess.RunAsync(TimeSpan.FromSeconds(120),
            "launch", "--cluster", clusterFile, "selftest", "--suite", suite, "--size", "2000");
        Assert.True(exit == 0, $"mpc launch exited {exit}\n{output}\n{error}");
        for (int p = 0; p < 3; p++)
            Assert.Contains($"[p{p} p{p}] selftest ({suite}, 3 parties, 2000 elements): 7 checks passed", output);
    }

    [Fact]
    public async Task Examples_RunAsPartyProcesses()
    {
        using var cluster = TestCluster.Create(2, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles();
        var (exit, output, error) = await MpcProcess.RunAsync(TimeSpan.FromSeconds(60),
            "launch", "--cluster", clusterFile, "run", "--example", "millionaires");
        Assert.True(exit == 0, $"mpc launch exited {exit}\n{output}\n{error}");
        Assert.Contains("millionaires: party 0 is not richer", output); // demo wealth: party 0 has 1000.25, party 1 2000.25
    }
}
