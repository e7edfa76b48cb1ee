using Mpc.Tests.Infrastructure;
using Mpc.Tests.Ml;

namespace Mpc.Tests.Examples;

/// <summary>
/// A protocol of one's own as party processes: <c>examples/Salaries</c>, written with <c>MpcHost</c> and the natural
/// syntax, launched by itself and by <c>mpc launch ... run --program</c>.
/// </summary>
[Collection(SocketTests.Collection)]
public sealed class ProgramHostTests
{
    /// <summary>The built Salaries.dll, in the configuration these tests were built in.</summary>
    private static string Salaries => Path.Combine(MlTestData.Root, "examples", "Salaries", "bin",
        new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "Salaries.dll");

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task OwnProgram_LaunchedByItself_EveryPartyLearnsTheTotal(int parties)
    {
        using var cluster = TestCluster.Create(parties, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles();
        using var launch = MpcProcess.StartProgram(Salaries, "launch", "--cluster", clusterFile, "run");
        int exit = await launch.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exit == 0, $"launch exited {exit}\n{launch.Output}");
        // Party i's demo salary is 60,000 + 25,000 i.
        double total = Enumerable.Range(0, parties).Sum(i => 60_000 + 25_000 * i);
        int above = Enumerable.Range(0, parties).Count(i => 60_000 + 25_000 * i > 100_000);
        for (int p = 0; p < parties; p++)
            Assert.Contains($"[p{p} p{p}] salaries: total {total}, mean {total / parties:0.##}, above 100,000: {above}", launch.Stdout);
    }

    [Fact]
    public async Task OwnProgram_UnderMpcRunProgram_GetsEachPartysArguments()
    {
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        cluster.WriteFiles();
        // Each party on its own, as on separate machines: mpc party hands itself to the program with its own --arg.
        double[] salaries = [99_000, 100_500, 250_000];
        var parties = Enumerable.Range(0, 3).Select(p => MpcProcess.Start("party", "--config", cluster.PartyFile(p), "run",
            "--program", Salaries, "--arg", $"{salaries[p]}")).ToArray();
        try
        {
            foreach (var party in parties)
            {
                int exit = await party.WaitForExitAsync(TimeSpan.FromSeconds(120));
                Assert.True(exit == 0, $"party exited {exit}\n{party.Output}");
                Assert.Contains("salaries: total 449500, mean 149833.33, above 100,000: 2", party.Stdout);
            }
        }
        finally
        {
            foreach (var party in parties) party.Dispose();
        }
    }

    [Fact]
    public async Task RunProgram_MissingFile_RefusedNamingIt()
    {
        using var cluster = TestCluster.Create(2, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles();
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "run", "--program", "no-such-program.dll");
        Assert.NotEqual(0, await launch.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("run --program no-such-program.dll: no such file", launch.Output);
    }

    [Fact]
    public async Task RunWithoutExampleOrProgram_SaysWhatItNeeds()
    {
        using var cluster = TestCluster.Create(2, tls: true, receiveTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles();
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "run");
        Assert.NotEqual(0, await launch.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("run needs --example (secure-sum, millionaires, dot-product) or --program PATH", launch.Output);
    }
}
