using System.Globalization;
using System.Text;
using Mpc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mpc.Tests.Faults;

/// <summary>
/// Faults injected into real 3-party runs: every party that the fault does not stop exits non-zero within the
/// deadline, naming the culprit with the error the fault calls for. A random selection runs in the default suite;
/// the whole matrix, each fault several times with a table of times to abort, with <c>MPC_FAULTS_FULL=1</c>
/// (<c>dotnet test Mpc.sln -c Release --filter Category=FaultMatrix</c>).
/// </summary>
[Collection(SocketTests.Collection)]
public sealed class FaultInjectionTests(ITestOutputHelper output)
{
    private static readonly FaultRunner Runner = new(receiveTimeout: TimeSpan.FromSeconds(3), connectTimeout: TimeSpan.FromSeconds(6));

    [Fact]
    public async Task RandomFaults_EndEveryPartyInTime_NamingTheCulprit()
    {
        int seed = Environment.GetEnvironmentVariable("MPC_FAULTS_SEED") is { } s
            ? int.Parse(s, CultureInfo.InvariantCulture)
            : Environment.TickCount;
        output.WriteLine($"seed {seed} (MPC_FAULTS_SEED={seed} repeats this selection)");
        var random = new Random(seed);
        // Five faults: three during the run, one at start-up (it may wait for the connect deadline), one outsider.
        var fast = FaultScenario.All.Where(f => f.Site is FaultSite.Process or FaultSite.Link).OrderBy(_ => random.Next()).Take(3);
        var slow = FaultScenario.All.Where(f => f.Site == FaultSite.Startup).OrderBy(_ => random.Next()).Take(1);
        var outsider = FaultScenario.All.Where(f => f.Site == FaultSite.Outsider).OrderBy(_ => random.Next()).Take(1);
        foreach (var scenario in fast.Concat(slow).Concat(outsider))
        {
            var outcome = await Runner.RunAsync(scenario, random.Next());
            output.WriteLine($"{scenario.Name}: {outcome.TimeToAbort.TotalSeconds:0.00} s\n{outcome.Log}");
            Check(outcome);
        }
    }

    [FaultMatrixFact]
    [Trait("Category", "FaultMatrix")]
    public async Task FullMatrix_EveryFault_EndsEveryPartyInTime_NamingCulprit()
    {
        int runs = Environment.GetEnvironmentVariable("MPC_FAULTS_RUNS") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 5;
        int seed = Environment.GetEnvironmentVariable("MPC_FAULTS_SEED") is { } s
            ? int.Parse(s, CultureInfo.InvariantCulture)
            : Environment.TickCount;
        var random = new Random(seed);
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture,
            $"receive deadline {Runner.ReceiveTimeout.TotalSeconds} s, connect deadline {Runner.ConnectTimeout.TotalSeconds} s, " +
            $"{runs} runs per fault, seed {seed}");
        table.AppendLine("| fault | runs | passed | time to abort: median / max | same culprit in every party | " +
            "error (party 0, one run) |");
        table.AppendLine("| --- | --- | --- | --- | --- | --- |");
        var failures = new List<string>();
        string? only = Environment.GetEnvironmentVariable("MPC_FAULTS_ONLY");
        foreach (var scenario in FaultScenario.All.Where(f => only is null || f.Name.Contains(only, StringComparison.Ordinal)))
        {
            var times = new List<double>();
            int passed = 0, agreed = 0;
            string message = "";
            for (int run = 0; run < runs; run++)
            {
                try
                {
                    var outcome = await Runner.RunAsync(scenario, random.Next());
                    output.WriteLine($"{scenario.Name} run {run + 1}:\n{outcome.Log}");
                    times.Add(outcome.TimeToAbort.TotalSeconds);
                    if (outcome.Reporters.Select(p => outcome.NamedCulprits[p]).Distinct().Count() == 1) agreed++;
                    message = scenario.Site == FaultSite.Outsider
                        ? $"exit 0 everywhere; party 0: {outcome.Refusals.FirstOrDefault()}"
                        : outcome.Errors[0];
                    Check(outcome);
                    passed++;
                }
                catch (Exception ex)
                {
                    failures.Add($"{scenario.Name} run {run + 1}: {ex.Message}");
                    output.WriteLine($"{scenario.Name} run {run + 1} FAILED: {ex.Message}");
                }
            }
            times.Sort();
            string timing = times.Count == 0
                ? "-"
                : string.Create(CultureInfo.InvariantCulture, $"{times[times.Count / 2]:0.00} s / {times[^1]:0.00} s");
            string culprits = scenario.Site switch
            {
                FaultSite.Startup => "n/a (no session formed)",
                FaultSite.Outsider => "n/a (the run completes)",
                _ => $"{agreed}/{runs}",
            };
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {scenario.Name} | {runs} | {passed} | {timing} | {culprits} | `{Shorten(message)}` |");
        }
        output.WriteLine(table.ToString());
        string file = Environment.GetEnvironmentVariable("MPC_FAULTS_TABLE") ?? Path.Combine(Path.GetTempPath(), "mpc-fault-matrix.md");
        File.WriteAllText(file, table.ToString());
        output.WriteLine($"table written to {file}");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static string Shorten(string s)
    {
        s = s.Replace("|", "/", StringComparison.Ordinal);
        return s.Length <= 220 ? s : s[..220] + "…";
    }

    /// <summary>
    /// The contract: every reporter exits non-zero in time, naming an allowed culprit with the expected words; an
    /// outsider's attack changes nothing (every party exits 0 in time) but party 0's log, which names its address.
    /// </summary>
    private static void Check(FaultOutcome outcome)
    {
        var scenario = outcome.Scenario;
        var bound = scenario.Bound(Runner.ReceiveTimeout, Runner.ConnectTimeout);
        if (scenario.Site == FaultSite.Outsider)
        {
            foreach (int p in outcome.Reporters)
            {
                Assert.True(outcome.ExitCodes[p] == 0, $"{scenario.Name}: party {p} exited {outcome.ExitCodes[p]}\n{outcome.Log}");
                Assert.True(outcome.TimeToExit[p] <= bound,
                    $"{scenario.Name}: party {p} took {outcome.TimeToExit[p]} (bound {bound})\n{outcome.Log}");
            }
            Assert.True(outcome.Outsiders.Any(
                    o => outcome.Refusals.Any(r => r.Contains($"refused a connection from {o}", StringComparison.Ordinal))),
                $"{scenario.Name}: party 0's log names no outsider address\n{outcome.Log}");
            Assert.True(outcome.Refusals.Length <= 3 * (Mpc.Net.Internal.RefusalLog.LinesPerSecond + 1),
                $"{scenario.Name}: {outcome.Refusals.Length} refusal lines\n{outcome.Log}");
            return;
        }
        foreach (int p in outcome.Reporters)
        {
            Assert.True(outcome.ExitCodes[p] != 0, $"{scenario.Name}: party {p} exited {outcome.ExitCodes[p]}\n{outcome.Log}");
            Assert.True(outcome.TimeToExit[p] <= bound,
                $"{scenario.Name}: party {p} took {outcome.TimeToExit[p]} (bound {bound})\n{outcome.Log}");
            string error = outcome.Errors[p];
            Assert.True(outcome.NamedCulprits[p] is { } named && scenario.Culprits.Contains(named),
                $"{scenario.Name}: party {p} does not name party {string.Join(" or ", scenario.Culprits)}: '{error}'\n{outcome.Log}");
            foreach (var word in scenario.Expected)
                Assert.True(error.Contains(word, StringComparison.Ordinal),
                    $"{scenario.Name}: party {p}'s error lacks '{word}': '{error}'\n{outcome.Log}");
        }
        if (scenario.Culprits.Length == 1 && scenario.Site != FaultSite.Startup)
        {
            var named = outcome.Reporters.Select(p => outcome.NamedCulprits[p]).Distinct().ToList();
            Assert.True(named.Count == 1 && named[0] == scenario.Culprits[0],
                $"{scenario.Name}: the parties name different culprits\n{outcome.Log}");
        }
        if (scenario.Site == FaultSite.Startup)
        {
            int v = FaultScenario.Victim;
            Assert.True(outcome.ExitCodes[v] != 0, $"{scenario.Name}: the misconfigured party exited 0\n{outcome.Log}");
            foreach (var word in scenario.VictimExpected)
                Assert.True(outcome.Errors[v].Contains(word, StringComparison.Ordinal),
                    $"{scenario.Name}: the misconfigured party's error lacks '{word}'\n{outcome.Log}");
        }
    }
}
