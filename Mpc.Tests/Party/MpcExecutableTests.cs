using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mpc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mpc.Tests.Party;

/// <summary>The <c>mpc</c> executable as operators use it: real processes on 127.0.0.1 with ephemeral ports.</summary>
[Collection(SocketTests.Collection)]
public sealed class MpcExecutableTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Launch_Ping_NoCertsOnLoopback_GeneratesThemAndSucceeds()
    {
        using var cluster = TestCluster.Create(3, tls: true);
        string clusterFile = cluster.WriteFiles(writeCertificates: false);
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "ping", "--rounds", "3", "--size", "4096");
        int code = await launch.WaitForExitAsync(ProcessTimeout);
        output.WriteLine(launch.Output);
        Assert.Equal(0, code);
        Assert.Equal(3, launch.Stdout.Split('\n')
            .Count(l => l.StartsWith("mpc launch: generated a test certificate", StringComparison.Ordinal)));
        Assert.Contains("[p0 p0] ping round 3/3", launch.Stdout);
        Assert.Contains("[p2 p2] party 2: 6 rounds", launch.Stdout);
        Assert.Contains("mpc launch: all 3 parties finished", launch.Stdout);
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(Path.Combine(cluster.Directory, "certs", "p0.key.pem"));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        }
    }

    [Fact]
    public async Task PartyKilledMidExchange_OthersFailNamingIt_WithinTheDeadline()
    {
        var deadline = TimeSpan.FromSeconds(5);
        using var cluster = TestCluster.Create(3, tls: true, receiveTimeout: deadline);
        cluster.WriteFiles();
        var parties = Enumerable.Range(0, 3)
            .Select(i => MpcProcess.Start("party", "--config", cluster.PartyFile(i), "ping",
                "--rounds", "1000000", "--size", "65536", "--interval-ms", "2"))
            .ToArray();
        try
        {
            foreach (var p in parties) await p.WaitForStdoutAsync("ping round 1/", ProcessTimeout);
            await Task.Delay(300);   // well into the exchange
            var sw = Stopwatch.StartNew();
            parties[2].Kill();
            var exits = new[] { parties[0].WaitForExitAsync(ProcessTimeout), parties[1].WaitForExitAsync(ProcessTimeout) };
            var codes = await Task.WhenAll(exits);
            sw.Stop();
            for (int i = 0; i < 2; i++)
            {
                output.WriteLine($"party {i}: exit {codes[i]}: {parties[i].Stderr}");
                Assert.NotEqual(0, codes[i]);
                Assert.Contains("Party 2 (p2)", parties[i].Stderr);
            }
            output.WriteLine(
                $"both survivors exited {sw.ElapsedMilliseconds} ms after the kill (receive deadline {deadline.TotalSeconds} s)");
            Assert.True(sw.Elapsed < deadline + TimeSpan.FromSeconds(10), $"took {sw.Elapsed}");
        }
        finally
        {
            foreach (var p in parties) p.Dispose();
        }
    }

    [Fact]
    public async Task StoppedParty_IsDetectedByTheDeadline_AndNamedByTheOthers()
    {
        if (OperatingSystem.IsWindows()) return;
        var deadline = TimeSpan.FromSeconds(3);
        using var cluster = TestCluster.Create(3, tls: false, receiveTimeout: deadline);
        cluster.WriteFiles();
        var parties = Enumerable.Range(0, 3)
            .Select(i => MpcProcess.Start("party", "--config", cluster.PartyFile(i), "ping", "--rounds", "1000000", "--interval-ms", "2"))
            .ToArray();
        try
        {
            foreach (var p in parties) await p.WaitForStdoutAsync("ping round 1/", ProcessTimeout);
            var sw = Stopwatch.StartNew();
            parties[2].Signal("STOP");
            var codes = await Task.WhenAll(parties[0].WaitForExitAsync(ProcessTimeout), parties[1].WaitForExitAsync(ProcessTimeout));
            sw.Stop();
            for (int i = 0; i < 2; i++)
            {
                output.WriteLine($"party {i}: exit {codes[i]}: {parties[i].Stderr}");
                Assert.NotEqual(0, codes[i]);
                Assert.Contains("Party 2 (p2)", parties[i].Stderr);
            }
            output.WriteLine($"survivors exited {sw.ElapsedMilliseconds} ms after SIGSTOP (receive deadline {deadline.TotalSeconds} s)");
            Assert.True(sw.Elapsed >= deadline * 0.9, $"detected after {sw.Elapsed}, before the deadline");
            Assert.True(sw.Elapsed < deadline + TimeSpan.FromSeconds(10), $"took {sw.Elapsed}");
        }
        finally
        {
            parties[2].Signal("CONT");
            foreach (var p in parties) p.Dispose();
        }
    }

    [Fact]
    public async Task Launch_WhenAPartyFails_KillsTheRest_AndExitsNonZeroNamingIt()
    {
        using var cluster = TestCluster.Create(3, tls: false, connectTimeout: TimeSpan.FromSeconds(30));
        string clusterFile = cluster.WriteFiles();
        // Someone else holds party 0's port, so party 0 cannot listen.
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, cluster.Cluster.Parties[0].Port));
        squatter.Listen();
        var sw = Stopwatch.StartNew();
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "ping");
        int code = await launch.WaitForExitAsync(ProcessTimeout);
        output.WriteLine(launch.Output);
        Assert.Equal(1, code);
        Assert.Contains("mpc launch: party 0 (p0) failed before its mesh formed with exit code 1", launch.Stderr);
        Assert.Contains("cannot listen", launch.Stderr);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(15),
            $"the launcher took {sw.Elapsed}: it should stop the rest at once, not wait for their connect deadline");
    }

    [Fact]
    public async Task Party_InvalidConfig_ExitsWithCode2_NamingFileAndField()
    {
        using var cluster = TestCluster.Create(2, tls: false);
        cluster.WriteFiles(editParty: (i, party) => party["colour"] = "blue");
        using var party = MpcProcess.Start("party", "--config", cluster.PartyFile(0), "ping");
        int code = await party.WaitForExitAsync(ProcessTimeout);
        Assert.Equal(2, code);
        Assert.Contains(cluster.PartyFile(0), party.Stderr);
        Assert.Contains("colour: unknown field", party.Stderr);
    }

    [Fact]
    public async Task Certs_WritesEveryPartysCertificateAndKey_RefusesOverwrite()
    {
        using var cluster = TestCluster.Create(3, tls: true);
        string clusterFile = cluster.WriteFiles(writeCertificates: false);
        string outDir = Path.Combine(cluster.Directory, "generated");
        using (var certs = MpcProcess.Start("certs", "--cluster", clusterFile, "--out", outDir))
        {
            Assert.Equal(0, await certs.WaitForExitAsync(ProcessTimeout));
        }
        for (int i = 0; i < 3; i++)
        {
            Assert.True(File.Exists(Path.Combine(outDir, $"p{i}.crt.pem")));
            var key = Path.Combine(outDir, $"p{i}.key.pem");
            Assert.Contains("BEGIN PRIVATE KEY", File.ReadAllText(key));
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        }
        using var again = MpcProcess.Start("certs", "--cluster", clusterFile, "--out", outDir);
        Assert.Equal(2, await again.WaitForExitAsync(ProcessTimeout));
        Assert.Contains("--force", again.Stderr);
    }
}
