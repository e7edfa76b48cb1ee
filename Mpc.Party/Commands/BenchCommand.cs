using System.CommandLine;
using Mpc.Party.Launch;

namespace Mpc.Party.Commands;

/// <summary>
/// <c>mpc bench mul --suite S --parties N --size L [--fixed-point]</c>: starts N party processes on a throwaway
/// loopback cluster (TLS unless --insecure) and runs the <c>bench-mul</c> job; each party prints one JSON line.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(Option<bool> verbose, TextWriter stdout, TextWriter stderr)
    {
        var bench = new Command("bench", "Benchmarks over real party processes on this machine (JSON lines).");
        var suite = new Option<string>("--suite") { Description = "additive or shamir.", DefaultValueFactory = _ => "additive" }
            .AcceptOnlyFromAmong("additive", "shamir");
        var parties = new Option<int>("--parties") { Description = "Number of party processes.", DefaultValueFactory = _ => 3 };
        var size = new Option<int>("--size") { Description = "Vector length.", DefaultValueFactory = _ => 1_000_000 };
        var fixedPoint = new Option<bool>("--fixed-point") { Description = "Fixed-point multiplication (with truncation)." };
        var insecure = new Option<bool>("--insecure") { Description = "Plaintext links instead of TLS." };
        var mul = new Command("mul", "Secure vector multiplication throughput.");
        foreach (var o in new Option[] { suite, parties, size, fixedPoint, insecure }) mul.Options.Add(o);
        mul.SetAction(async (parse, ct) =>
        {
            using var cluster = TemporaryCluster.Create(parse.GetValue(parties), "bench-mul");
            var job = new List<string> { "bench-mul", "--suite", parse.GetValue(suite)!, "--size", parse.GetValue(size).ToString(System.Globalization.CultureInfo.InvariantCulture) };
            if (parse.GetValue(fixedPoint)) job.Add("--fixed-point");
            return await new ClusterLauncher(stdout, stderr).RunAsync(cluster.ClusterPath, parse.GetValue(insecure), parse.GetValue(verbose), job, ct);
        });
        bench.Subcommands.Add(mul);
        bench.Subcommands.Add(BenchTrainLr.Create(verbose, stdout, stderr));
        return bench;
    }
}
