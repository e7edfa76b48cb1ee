using Mpc.Net.Configuration;
using Mpc.Party.Commands;
using Mpc.Party.Jobs;
using Mpc.Tests.Core.Circuits;
using Mpc.Tests.Infrastructure;

namespace Mpc.Tests.Party;

/// <summary><c>mpc ... circuit</c>: any Bristol circuit between two real party processes.</summary>
public sealed class CircuitJobTests
{
    private const string AbcBlock = "61626380" + "0000000000000000000000000000000000000000000000000000000000" +
        "000000000000000000000000000000000000000000000000000000000000" + "18";
    private const string InitialState = "6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19";
    private const string AbcDigest = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    [Fact]
    public async Task Launch_Sha256OfAbc_BothPartiesLearnTheDigest()
    {
        Assert.Equal(128, AbcBlock.Length);
        using var cluster = TestCluster.Create(2, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles();
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "circuit",
            "--file", CircuitFiles.PathOf("bristol_fashion/sha256.txt"),
            "--input", $"0:hex:{AbcBlock}", "--input", $"1:hex:{InitialState}");
        int exit = await launch.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exit == 0, $"mpc launch exited {exit}\n{launch.Output}");
        for (int p = 0; p < 2; p++)
            Assert.Contains($"[p{p} p{p}] circuit: output 0 (256 bits): hex:{AbcDigest}", launch.Stdout);
        Assert.Contains("22573 AND gates", launch.Stdout);
    }

    [Fact]
    public async Task Launch_OldFormatAdder_OnlyTheEvaluatorLearnsTheSum()
    {
        using var cluster = TestCluster.Create(2, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles();
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "circuit", "--format", "old",
            "--file", CircuitFiles.PathOf("bristol_format/adder_32bit.txt"), "--input", "0:int:4000000000",
            "--input", "1:int:300000000", "--reveal", "evaluator", "--output-encoding", "int");
        int exit = await launch.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exit == 0, $"mpc launch exited {exit}\n{launch.Output}");
        Assert.Contains("[p1 p1] circuit: output 0 (33 bits): int:4300000000", launch.Stdout);
        Assert.Contains("[p0 p0] circuit: output 0 (33 bits): (revealed to the other party only)", launch.Stdout);
    }

    [Theory]
    [InlineData("1:hex:1" + InitialState, "'hex:' value needs 257 bits; the circuit's value has 256")]
    [InlineData("2:hex:00", "has input values 0 to 1 (0: 512 bits, 1: 256 bits)")]
    [InlineData("1:base64:AAAA", "write VALUE:ENCODING:TEXT")]
    [InlineData(null, "party 1 holds input value 1")]
    public async Task Launch_InputsThatDoNotFit_RefusedBeforeAnyPartyStarts(string? second, string message)
    {
        using var cluster = TestCluster.Create(2, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles();
        string[] inputs = second is null ? [] : ["--input", second];
        using var launch = MpcProcess.Start(["launch", "--cluster", clusterFile, "circuit",
            "--file", CircuitFiles.PathOf("bristol_fashion/sha256.txt"), "--input", $"0:hex:{AbcBlock}", .. inputs]);
        int exit = await launch.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, exit);
        Assert.Contains(message, launch.Output);
        Assert.DoesNotContain("[p0", launch.Output);
    }

    [Fact]
    public async Task Party_InputThatDoesNotFit_RefusedBeforeConnecting()
    {
        using var cluster = TestCluster.Create(2, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        cluster.WriteFiles();
        // Party 1 alone: its peer never starts, so only a check before connecting can answer at once.
        using var party = MpcProcess.Start("party", "--config", cluster.PartyFile(1), "circuit",
            "--file", CircuitFiles.PathOf("bristol_fashion/aes_128.txt"), "--input", "1:bytes:00ff");
        int exit = await party.WaitForExitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(2, exit);
        Assert.Contains("circuit: --input 1: 'bytes:' takes 16 bytes as 32 hexadecimal digits", party.Output);
    }

    [Fact]
    public void LaunchPlan_GivesEachPartyOnlyTheInputsItHolds()
    {
        using var cluster = TestCluster.Create(2, tls: false);
        string clusterFile = cluster.WriteFiles(writeCertificates: false);
        var job = new CircuitJob();
        string[] args = ["circuit", "--file", CircuitFiles.PathOf("bristol_format/adder_32bit.txt"), "--format", "old",
            "--input", "0:int:1", "--input", "1:int:2", "--owners", "1", "0"];
        var plan = job.Plan(MpcCommandLine.ParseJob(job, args), ClusterConfig.Load(clusterFile, requireCertificates: false),
            [], TextWriter.Null);
        var forZero = plan.ArgumentsFor(0, args);
        var forOne = plan.ArgumentsFor(1, args);
        Assert.Contains("1:int:2", forZero);
        Assert.DoesNotContain("0:int:1", forZero);
        Assert.Contains("0:int:1", forOne);
        Assert.DoesNotContain("1:int:2", forOne);
    }
}
