using System.CommandLine;
using Mpc.Party.Launch;

namespace Mpc.Party.Commands;

/// <summary>
/// <c>mpc bench mul --suite S [--preprocessing P] --parties N --size L [--fixed-point [--truncation T]] [--repeat R]
/// [--syntax natural]</c>:
/// starts N party processes on a throwaway loopback cluster (TLS unless --insecure) and runs the <c>bench-mul</c> job;
/// each party prints one JSON line. <c>mpc bench compare</c> (<see cref="BenchCompare"/>) does the same for comparisons.
/// <c>mpc bench ot --size S</c>, <c>mpc bench garble --size S</c> and <c>mpc bench aes [--count C]</c> do the same with two
/// parties and the <c>bench-ot</c>, <c>bench-garble</c> and <c>bench-aes</c> jobs. </summary>
internal static class BenchCommand
{
    public static Command Create(Option<bool> verbose, TextWriter stdout, TextWriter stderr)
    {
        var bench = new Command("bench", "Benchmarks over real party processes on this machine (JSON lines).");
        var suite = Jobs.SuiteOptions.SuiteOption();
        var parties = new Option<int>("--parties") { Description = "Number of party processes.", DefaultValueFactory = _ => 3 };
        var size = new Option<int>("--size") { Description = "Vector length.", DefaultValueFactory = _ => 1_000_000 };
        var fixedPoint = new Option<bool>("--fixed-point") { Description = "Fixed-point multiplication (with truncation)." };
        var insecure = new Option<bool>("--insecure") { Description = "Plaintext links instead of TLS." };
        var repeat = new Option<int>("--repeat")
        {
            Description = "Timed multiplications after one untimed (median and best reported).",
            DefaultValueFactory = _ => 5,
        };
        var mulPreprocessing = Jobs.SuiteOptions.PreprocessingOption();
        var mulTruncation = Jobs.SuiteOptions.TruncationOption();
        var mulSecurity = Jobs.SuiteOptions.SecurityOption();
        var syntax = new Option<string>("--syntax")
        {
            Description = "explicit (suite.MultiplyAsync) or natural (x * y on Secret values): the same product, to time the syntax.",
            DefaultValueFactory = _ => "explicit",
        }.AcceptOnlyFromAmong("explicit", "natural");
        var mul = new Command("mul", "Secure vector multiplication throughput.");
        Option[] mulOptions = [suite, mulPreprocessing, mulTruncation, mulSecurity, parties, size, fixedPoint, insecure, repeat, syntax];
        foreach (var o in mulOptions)
            mul.Options.Add(o);
        mul.SetAction(async (parse, ct) =>
        {
            using var cluster = TemporaryCluster.Create(parse.GetValue(parties), "bench-mul",
                dealer: parse.GetValue(mulPreprocessing) == "dealer");
            var job = new List<string>
            {
                "bench-mul", "--suite", parse.GetValue(suite)!, "--preprocessing", parse.GetValue(mulPreprocessing)!,
                "--size", parse.GetValue(size).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--repeat", parse.GetValue(repeat).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--security", parse.GetValue(mulSecurity)!, "--syntax", parse.GetValue(syntax)!,
            };
            if (parse.GetValue(fixedPoint)) job.AddRange(["--fixed-point", "--truncation", parse.GetValue(mulTruncation)!]);
            return await new ClusterLauncher(stdout, stderr, Logging.FormatOf(parse))
                .RunAsync(cluster.ClusterPath, parse.GetValue(insecure), parse.GetValue(verbose), job, ct);
        });
        bench.Subcommands.Add(mul);
        bench.Subcommands.Add(Syntax(verbose, stdout, stderr));
        bench.Subcommands.Add(BenchCompare.Create(verbose, stdout, stderr));

        var source = new Option<string>("--source") { Description = "dealer or ot.", DefaultValueFactory = _ => "dealer" }
            .AcceptOnlyFromAmong("dealer", "ot");
        var triplesParties = new Option<int>("--parties") { Description = "Number of party processes.", DefaultValueFactory = _ => 2 };
        var triplesSize = new Option<int>("--size") { Description = "Number of triples.", DefaultValueFactory = _ => 1_000_000 };
        var softSpoken = new Option<int>("--softspoken-k")
        {
            Description = "OT extension: SoftSpoken with k bits per group (1 is IKNP; 2, 4, 8).",
            DefaultValueFactory = _ => Mpc.Protocols.Preprocessing.OtPreprocessing.DefaultSoftSpokenBits,
        };
        var triples = new Command("triples", "Beaver-triple production throughput (dealer or OT-based).");
        foreach (var o in new Option[] { source, triplesParties, triplesSize, insecure, softSpoken }) triples.Options.Add(o);
        triples.SetAction(async (parse, ct) =>
        {
            using var cluster = TemporaryCluster.Create(parse.GetValue(triplesParties), "bench-triples",
                dealer: parse.GetValue(source) == "dealer");
            var job = new List<string>
            {
                "bench-triples", "--preprocessing", parse.GetValue(source)!,
                "--size", parse.GetValue(triplesSize).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--softspoken-k", parse.GetValue(softSpoken).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            return await new ClusterLauncher(stdout, stderr, Logging.FormatOf(parse))
                .RunAsync(cluster.ClusterPath, parse.GetValue(insecure), parse.GetValue(verbose), job, ct);
        });
        bench.Subcommands.Add(triples);

        var otSize = new Option<int>("--size") { Description = "OTs per timed batch.", DefaultValueFactory = _ => 10_000_000 };
        var otInsecure = new Option<bool>("--insecure") { Description = "Plaintext links instead of TLS." };
        var ot = new Command("ot", "IKNP OT extension between two processes: base OTs, random correlated OTs, chosen-message OTs.");
        ot.Options.Add(otSize);
        ot.Options.Add(otInsecure);
        ot.Options.Add(softSpoken);
        ot.SetAction(async (parse, ct) =>
        {
            using var cluster = TemporaryCluster.Create(2, "bench-ot");
            var job = new List<string>
            {
                "bench-ot",
                "--size", parse.GetValue(otSize).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--softspoken-k", parse.GetValue(softSpoken).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            return await new ClusterLauncher(stdout, stderr, Logging.FormatOf(parse))
                .RunAsync(cluster.ClusterPath, parse.GetValue(otInsecure), parse.GetValue(verbose), job, ct);
        });
        bench.Subcommands.Add(ot);

        var andGates = new Option<int>("--size") { Description = "AND gates in the circuit.", DefaultValueFactory = _ => 4_000_000 };
        var garble = new Command("garble", "Yao garbling end to end (2 processes): AND gates per second and bytes per AND gate.");
        foreach (var o in new Option[] { andGates, new Option<bool>("--insecure") { Description = "Plaintext links instead of TLS." } })
            garble.Options.Add(o);
        garble.SetAction(async (parse, ct) =>
        {
            using var cluster = TemporaryCluster.Create(2, "bench-garble");
            var job = new List<string>
            {
                "bench-garble", "--size", parse.GetValue(andGates).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            return await new ClusterLauncher(stdout, stderr, Logging.FormatOf(parse))
                .RunAsync(cluster.ClusterPath, parse.GetValue<bool>("--insecure"), parse.GetValue(verbose), job, ct);
        });
        bench.Subcommands.Add(garble);

        var count = new Option<int>("--count") { Description = "AES evaluations to time.", DefaultValueFactory = _ => 1000 };
        var circuit = new Option<string?>("--circuit")
        {
            Description = "Bristol Fashion aes_128.txt " +
                "(default: data/circuits/bristol_fashion/aes_128.txt above the working directory or the executable).",
        };
        var aes = new Command("aes", "Secure AES-128 through the Bristol circuit (2 processes): evaluations per second.");
        foreach (var o in new Option[] { count, circuit,
            new Option<bool>("--insecure") { Description = "Plaintext links instead of TLS." } })
            aes.Options.Add(o);
        aes.SetAction(async (parse, ct) =>
        {
            string path;
            try
            {
                // Read and checked here, before any party starts, as every party will read it.
                path = Jobs.GarblingOptions.Aes128Path(parse.GetValue(circuit));
                Jobs.GarblingOptions.ReadAes128(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException
                or Mpc.Core.Circuits.CircuitFormatException)
            {
                await stderr.WriteLineAsync($"mpc bench aes: {ex.Message}");
                return 2;
            }
            using var cluster = TemporaryCluster.Create(2, "bench-aes");
            var job = new List<string>
            {
                "bench-aes", "--count", parse.GetValue(count).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--circuit", path,
            };
            return await new ClusterLauncher(stdout, stderr, Logging.FormatOf(parse))
                .RunAsync(cluster.ClusterPath, parse.GetValue<bool>("--insecure"), parse.GetValue(verbose), job, ct);
        });
        bench.Subcommands.Add(aes);
        bench.Subcommands.Add(BenchTrainLr.Create(verbose, stdout, stderr));
        bench.Subcommands.Add(BenchStartup.Create(stdout, stderr));
        bench.Subcommands.Add(BenchAll.Create(stdout, stderr));
        return bench;
    }

    /// <summary><c>mpc bench syntax --parties N [--size S] [--epochs E] [--repeat R]</c>: the natural syntax's cost.</summary>
    private static Command Syntax(Option<bool> verbose, TextWriter stdout, TextWriter stderr)
    {
        var parties = new Option<int>("--parties") { Description = "Number of party processes (3 or more).", DefaultValueFactory = _ => 3 };
        var size = new Option<int>("--size") { Description = "Products per multiplication.", DefaultValueFactory = _ => 1_000_000 };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => 100 };
        var repeat = new Option<int>("--repeat") { Description = "Timed runs of each, alternating.", DefaultValueFactory = _ => 5 };
        var insecure = new Option<bool>("--insecure") { Description = "Plaintext links instead of TLS." };
        var command = new Command("syntax",
            "The natural syntax against the explicit API in one run: 10^6 products and a training written both ways.");
        foreach (var o in new Option[] { parties, size, epochs, repeat, insecure }) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            using var cluster = TemporaryCluster.Create(parse.GetValue(parties), "bench-syntax");
            string Invariant(int v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var launcher = new ClusterLauncher(stdout, stderr, Logging.FormatOf(parse));
            string[] job = ["bench-syntax", "--size", Invariant(parse.GetValue(size)), "--epochs", Invariant(parse.GetValue(epochs)),
                "--repeat", Invariant(parse.GetValue(repeat))];
            return await launcher.RunAsync(cluster.ClusterPath, parse.GetValue(insecure), parse.GetValue(verbose), job, ct);
        });
        return command;
    }
}
