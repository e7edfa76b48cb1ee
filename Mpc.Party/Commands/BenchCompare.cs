using System.CommandLine;
using System.Globalization;
using Mpc.Party.Launch;

namespace Mpc.Party.Commands;

/// <summary>
/// <c>mpc bench compare --suite S [--preprocessing P] --parties N --size L [--bits B] [--repeat R]</c>: starts N party
/// processes on a throwaway loopback cluster (TLS unless --insecure) and runs the <c>bench-compare</c> job; each party
/// prints one JSON line with the exact comparisons [x &lt; 0] it did per second.
/// </summary>
internal static class BenchCompare
{
    public static Command Create(Option<bool> verbose, TextWriter stdout, TextWriter stderr)
    {
        var suite = Jobs.SuiteOptions.SuiteOption();
        var preprocessing = Jobs.SuiteOptions.PreprocessingOption();
        var parties = new Option<int>("--parties") { Description = "Number of party processes.", DefaultValueFactory = _ => 3 };
        var size = new Option<int>("--size") { Description = "Number of comparisons.", DefaultValueFactory = _ => 100_000 };
        var bits = new Option<int>("--bits")
        {
            Description = "Input bits l: values in [-2^(l-1), 2^(l-1)) (lowered to the suite's maximum if larger).",
            DefaultValueFactory = _ => 32,
        };
        var repeat = new Option<int>("--repeat")
        {
            Description = "Timed comparisons after one untimed (median and best reported).",
            DefaultValueFactory = _ => 3,
        };
        var insecure = new Option<bool>("--insecure") { Description = "Plaintext links instead of TLS." };
        var security = Jobs.SuiteOptions.SecurityOption();
        var command = new Command("compare", "Exact secure comparison [x < 0] throughput.");
        foreach (var o in new Option[] { suite, preprocessing, security, parties, size, bits, repeat, insecure }) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            string? wrong = (parse.GetValue(size), parse.GetValue(bits), parse.GetValue(repeat)) switch
            {
                ( < 1, _, _) => "--size must be positive",
                (_, < 2, _) => "--bits must be at least 2",
                (_, _, < 1) => "--repeat must be positive",
                _ => null,
            };
            if (wrong is not null)
            {
                await stderr.WriteLineAsync($"mpc bench compare: {wrong}");
                return 2;
            }
            using var cluster = TemporaryCluster.Create(parse.GetValue(parties), "bench-compare",
                dealer: parse.GetValue(preprocessing) == "dealer");
            var job = new List<string>
            {
                "bench-compare", "--suite", parse.GetValue(suite)!, "--preprocessing", parse.GetValue(preprocessing)!,
                "--size", Invariant(parse.GetValue(size)), "--bits", Invariant(parse.GetValue(bits)),
                "--repeat", Invariant(parse.GetValue(repeat)), "--security", parse.GetValue(security)!,
            };
            return await new ClusterLauncher(stdout, stderr, Logging.FormatOf(parse))
                .RunAsync(cluster.ClusterPath, parse.GetValue(insecure), parse.GetValue(verbose), job, ct);
        });
        return command;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
