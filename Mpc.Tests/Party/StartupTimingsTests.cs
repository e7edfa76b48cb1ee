using System.Globalization;
using System.Text.Json;
using Mpc.Party.Launch;
using Mpc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mpc.Tests.Party;

/// <summary>
/// Where a launch's time goes: the marks a launched party sends, the table <c>mpc launch --timings</c> prints from them,
/// and <c>mpc bench startup</c>, which times whole launches from outside and reads that table.
/// </summary>
[Collection(SocketTests.Collection)]
public sealed class StartupTimingsTests(ITestOutputHelper output)
{
    private static readonly DateTime Started = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static string MarksLine(params double[] secondsAfterStart) => StartupTimings.MarksPrefix + string.Join(' ',
        secondsAfterStart.Select(s => s < 0 ? "0" : Started.AddSeconds(s).Ticks.ToString(CultureInfo.InvariantCulture)));

    [Fact]
    public void Durations_ArePhaseDifferences_FromLaunchToExit()
    {
        // Main at 0.05 s; command line, config, mesh, job and teardown end at 0.06, 0.08, 0.18, 0.38, 0.39; exit at 0.40.
        var seconds = StartupTimings.Durations(Started, Started.AddSeconds(0.40), MarksLine(0.05, 0.06, 0.08, 0.18, 0.38, 0.39))!;
        Assert.Equal(StartupTimings.Phases.Length, seconds.Length);
        double[] expected = [0.05, 0.01, 0.02, 0.10, 0.20, 0.01, 0.01];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], seconds[i], 6);
        Assert.Equal(0.40, seconds.Sum(), 6);
    }

    [Fact]
    public void Durations_MissingMarkIsNaN_MalformedLineIsNull()
    {
        // A party that never reached its job's end: the job and teardown phases are unknown, the rest are not.
        var seconds = StartupTimings.Durations(Started, Started.AddSeconds(1), MarksLine(0.05, 0.06, 0.08, 0.18, -1, 0.39))!;
        Assert.Equal(0.10, seconds[3], 6);
        Assert.True(double.IsNaN(seconds[4]) && double.IsNaN(seconds[5]));
        Assert.Null(StartupTimings.Durations(Started, Started, StartupTimings.MarksPrefix + "1 2 3"));
        Assert.Null(StartupTimings.Durations(Started, Started, StartupTimings.MarksPrefix + "1 2 3 4 5 six"));
    }

    [Fact]
    public void Row_ParsesBack_HeaderAndOtherLinesDoNot()
    {
        double[] seconds = [0.006, 0.001, 0.003, 0.035, 0.25, 0.001, 0.003];
        string row = StartupTimings.Row("[p0 alice]", 12, seconds);
        var parsed = StartupTimings.ParseRow(row)!;
        Assert.Equal(seconds.Length + 1, parsed.Length);
        for (int i = 0; i < seconds.Length; i++) Assert.Equal(seconds[i], parsed[i], 3);
        Assert.Equal(seconds.Sum(), parsed[^1], 3);
        Assert.Null(StartupTimings.ParseRow(StartupTimings.Header(12)));
        Assert.Null(StartupTimings.ParseRow("[p0 alice] ping round 1/5: party 1 0.357 ms"));
    }

    [Fact]
    public async Task LaunchTimings_OneRowPerParty_PhasesAddUp()
    {
        using var cluster = TestCluster.Create(3, tls: true);
        string clusterFile = cluster.WriteFiles();
        // --timings after the job's name is still the launcher's: a party given it would refuse an unknown option.
        using var launch = MpcProcess.Start("launch", "--cluster", clusterFile, "ping", "--rounds", "2", "--timings");
        int code = await launch.WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine(launch.Output);
        Assert.Equal(0, code);
        var lines = launch.Stdout.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("timings: launcher: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("timings: party", StringComparison.Ordinal) && l.Contains("mesh and TLS"));
        var rows = lines.Where(l => StartupTimings.ParseRow(l) is not null).ToArray();
        Assert.Equal(3, rows.Length);
        for (int i = 0; i < 3; i++)
        {
            Assert.Contains($"[p{i} p{i}]", rows[i]);
            var values = StartupTimings.ParseRow(rows[i])!;
            Assert.All(values, v => Assert.True(double.IsFinite(v) && v >= 0, rows[i]));
            // Each figure is rounded to the millisecond: the seven phases' sum is within 3.5 ms of the total.
            Assert.InRange(Math.Abs(values[..^1].Sum() - values[^1]), 0, 0.0036);
        }
        // The marks line is the launcher's to read, never shown.
        Assert.DoesNotContain(StartupTimings.MarksPrefix, launch.Output);
    }

    [Theory]
    [InlineData("ping", 3)]
    [InlineData("mul", 2)]
    public async Task BenchStartup_ReportsWallTimeAndPartyPhases(string job, int parties)
    {
        using var bench = MpcProcess.Start("bench", "startup", "--job", job, "--parties", $"{parties}", "--repeat", "2", "--size", "100");
        int code = await bench.WaitForExitAsync(TimeSpan.FromSeconds(120));
        output.WriteLine(bench.Output);
        Assert.Equal(0, code);
        string line = bench.Stdout.Split('\n').Single(l => l.StartsWith("{\"bench\":\"startup\"", StringComparison.Ordinal));
        var root = JsonDocument.Parse(line).RootElement;
        Assert.Equal(job, root.GetProperty("job").GetString());
        Assert.Equal(parties, root.GetProperty("parties").GetInt32());
        Assert.Equal(2, root.GetProperty("repeat").GetInt32());
        Assert.Equal("jit", root.GetProperty("executable").GetString());
        double wall = root.GetProperty("seconds").GetDouble(), party = root.GetProperty("party_seconds").GetDouble();
        Assert.InRange(root.GetProperty("best_seconds").GetDouble(), 0.001, wall);
        Assert.InRange(party, 0.001, wall);
        var phases = root.GetProperty("party_phases").EnumerateObject().ToArray();
        Assert.Equal(StartupTimings.Phases, phases.Select(p => p.Name));
        Assert.All(phases, p => Assert.True(p.Value.GetDouble() >= 0));
    }
}
