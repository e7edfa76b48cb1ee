using Mpc.Tests.Infrastructure;

namespace Mpc.Tests.Party;

/// <summary>
/// <c>mpc doctor</c> as an operator runs it: one process per party, a table, and an exit code that says whether to go ahead.
/// </summary>
public sealed class DoctorCommandTests
{
    [Fact]
    public async Task DoctorCommand_HealthyCluster_PrintsReadyAndExitsZero()
    {
        using var cluster = TestCluster.Create(3, tls: true);
        cluster.WriteFiles();
        var doctors = Enumerable.Range(0, 3)
            .Select(i => MpcProcess.Start("doctor", "--config", cluster.PartyFile(i), "--wait", "30"))
            .ToArray();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                int code = await doctors[i].WaitForExitAsync(TimeSpan.FromSeconds(90));
                Assert.True(code == 0, doctors[i].Output);
                string table = doctors[i].Stdout;
                Assert.Contains("0 failed", table);
                Assert.Contains("; ready", table);
                foreach (int peer in Enumerable.Range(0, 3).Where(p => p != i))
                    Assert.Matches($@"\| ok +\| party {peer} \(p{peer}\) +\| clock ", table);
                Assert.DoesNotContain("\u001b[", table);
            }
        }
        finally
        {
            foreach (var doctor in doctors) doctor.Dispose();
        }
    }

    [Fact]
    public async Task DoctorCommand_Failure_ExitsOneWithWhatToDo()
    {
        if (OperatingSystem.IsWindows()) return;
        using var cluster = TestCluster.Create(2, tls: true);
        cluster.WriteFiles();
        File.SetUnixFileMode(Path.Combine(cluster.Directory, "certs", "p1.key.pem"),
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        using var doctor = MpcProcess.Start("doctor", "--config", cluster.PartyFile(1), "--wait", "1");
        Assert.Equal(1, await doctor.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Matches(@"\| FAIL \| party 1 \(p1\) +\| private key", doctor.Stdout);
        Assert.Contains("chmod 600", doctor.Stdout);
        Assert.Contains("fix the failures before a real run", doctor.Stdout);
    }

    [Fact]
    public async Task DoctorCommand_UnloadableConfig_ExitsTwo()
    {
        using var doctor = MpcProcess.Start("doctor", "--config", "/nonexistent/party.json");
        Assert.Equal(2, await doctor.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("config error: /nonexistent/party.json", doctor.Stderr);
    }
}
