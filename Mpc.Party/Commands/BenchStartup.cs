using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Mpc.Party.Jobs;
using Mpc.Party.Launch;

namespace Mpc.Party.Commands;

/// <summary>
/// <c>mpc bench startup --job ping|mul --parties N [--size L] [--repeat R]</c>: what a user waits for a small job, launch
/// to exit. It runs <c>mpc launch --timings</c> of this executable on a throwaway loopback cluster (TLS unless
/// --insecure) R times after one untimed run (which makes the cluster's certificates), times each from outside, and
/// prints one JSON line: the median and best wall time, and the median of party 0's phases
/// (<see cref="StartupTimings"/>), the launcher's own share being what the parties' rows do not cover.
/// </summary>
internal static class BenchStartup
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var job = new Option<string>("--job")
        {
            Description = "ping (one ping/echo round per peer) or mul (one secure vector product of --size elements).",
            DefaultValueFactory = _ => "mul",
        }.AcceptOnlyFromAmong("ping", "mul");
        var parties = new Option<int>("--parties") { Description = "Number of party processes.", DefaultValueFactory = _ => 3 };
        var size = new Option<int>("--size") { Description = "The product's length (--job mul).", DefaultValueFactory = _ => 1000 };
        var repeat = new Option<int>("--repeat") { Description = "Timed launches after one untimed.", DefaultValueFactory = _ => 5 };
        var insecure = new Option<bool>("--insecure") { Description = "Plaintext links instead of TLS." };
        var command = new Command("startup", "Launch to exit of a small job: wall time and where it goes.");
        foreach (var o in new Option[] { job, parties, size, repeat, insecure }) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            int runs = parse.GetValue(repeat), n = parse.GetValue(parties), length = parse.GetValue(size);
            if (runs < 1 || length < 1)
            {
                await stderr.WriteLineAsync($"mpc bench startup: {(runs < 1 ? "--repeat" : "--size")} must be positive");
                return 2;
            }
            string name = parse.GetValue(job)!;
            using var cluster = TemporaryCluster.Create(n, "bench-startup");
            List<string> arguments = ["launch", "--cluster", cluster.ClusterPath, MpcCommandLine.TimingsOption];
            if (parse.GetValue(insecure)) arguments.Add("--insecure");
            arguments.AddRange(name == "ping"
                ? ["ping"]
                : ["bench-mul", "--size", length.ToString(CultureInfo.InvariantCulture), "--repeat", "1"]);

            var walls = new List<double>();
            var rows = new List<double[]>();
            for (int r = 0; r <= runs; r++)
            {
                var (wall, row, failure) = await LaunchAsync(arguments, ct);
                if (failure is not null)
                {
                    await stderr.WriteLineAsync($"mpc bench startup: mpc {string.Join(' ', arguments)} {failure}");
                    return 1;
                }
                if (r == 0) continue;   // untimed: the cluster's certificates are made, files come into the page cache
                walls.Add(wall);
                rows.Add(row!);
            }
            var phases = new JsonObject();
            for (int i = 0; i < StartupTimings.Phases.Length; i++)
                phases[StartupTimings.Phases[i]] = Round(BenchStatistics.Median(rows.Select(row => row[i])));
            double partyTotal = BenchStatistics.Median(rows.Select(row => row[^1]));
            var line = new JsonObject
            {
                ["bench"] = "startup",
                ["job"] = name,
                ["parties"] = n,
                ["size"] = name == "ping" ? null : length,
                ["repeat"] = runs,
                ["seconds"] = Round(BenchStatistics.Median(walls)),
                ["best_seconds"] = Round(walls.Min()),
                ["party_seconds"] = Round(partyTotal),
                ["launcher_seconds"] = Round(BenchStatistics.Median(walls) - partyTotal),
                ["party_phases"] = phases,
                ["executable"] = ExecutableKind(),
            };
            await stdout.WriteLineAsync(line.ToJsonString());
            return 0;
        });
        return command;
    }

    /// <summary>How this executable was built: startup depends on it more than on anything else.</summary>
    internal static string ExecutableKind() =>
        System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "jit" : "native";

    /// <summary>One launch of this executable, timed from outside; party 0's timings row, or why it failed.</summary>
    private static async Task<(double Wall, double[]? Row, string? Failure)> LaunchAsync(List<string> arguments, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var (exitCode, output, errorTail) = await ClusterLauncher.RunSelfAsync(arguments, ct);
        double wall = clock.Elapsed.TotalSeconds;
        if (exitCode != 0) return (wall, null, $"exited with {exitCode}: {errorTail}");
        var row = output.Split('\n').Select(StartupTimings.ParseRow).FirstOrDefault(r => r is not null);
        return row is null ? (wall, null, "printed no timings row") : (wall, row, null);
    }

    private static double Round(double seconds) => Math.Round(seconds, 4);
}
