using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Mpc.Party.Jobs;
using Mpc.Party.Launch;
using Mpc.Party.Output;

namespace Mpc.Party.Commands;

/// <summary>
/// <c>mpc bench all [--repeat R] [--out docs/benchmarks.md] [--quick]</c>: runs every benchmark the documents quote,
/// each beside its baseline in alternating runs (the configuration the default replaced, or the default beside an option),
/// and writes the tables with the machine, date, build, load and the command of every row.
/// </summary>
internal static class BenchAll
{
    /// <summary>One row: the work, its command, the measure, and the baseline's name and command (none: no baseline).</summary>
    private sealed record Case(string Work, string[] Arguments, Measure Measure, string? BaselineName = null, string[]? Baseline = null);

    /// <summary>What a run's JSON gives: a value, its unit, and whether larger is better.</summary>
    private sealed record Measure(string Key, string Unit, bool HigherIsBetter, double Scale = 1);

    private static readonly Measure TrainSeconds = new("train_seconds", "s of training", HigherIsBetter: false);
    private static readonly Measure OfflineAndTrainSeconds =
        new("offline_and_train_seconds", "s offline + training", HigherIsBetter: false);
    private static readonly Measure Products = new("ops_per_second", "M products/s", HigherIsBetter: true, Scale: 1e-6);
    private static readonly Measure Comparisons = new("ops_per_second", "K comparisons/s", HigherIsBetter: true, Scale: 1e-3);
    private static readonly Measure LaunchToExit = new("seconds", "s launch to exit", HigherIsBetter: false);

    private static Case[] Cases(bool quick)
    {
        string epochs100 = quick ? "2" : "100", epochs20 = quick ? "1" : "20", epochs10 = quick ? "1" : "10",
            million = quick ? "10000" : "1000000", hundredThousand = quick ? "1000" : "100000";
        string[] breastCancer = ["--csv", "data/breast_cancer.csv"];
        string[] dealer = ["--suite", "additive", "--preprocessing", "dealer"];
        string[] full = ["bench", "train-lr", "--parties", "3", .. breastCancer, "--epochs", epochs100];
        string[] mini = ["bench", "train-lr", "--parties", "3", .. breastCancer, "--epochs", epochs20, "--batch-size", "2"];
        string[] products = ["bench", "mul", "--parties", "3", "--size", million, "--repeat", "3"];
        string launches = quick ? "1" : "5";
        return
        [
            .. new[] { 2, 3 }.SelectMany(n => new Case[]
            {
                new($"start-up: launch to exit of ping, {n} parties (median of {launches})",
                    ["bench", "startup", "--job", "ping", "--parties", $"{n}", "--repeat", launches], LaunchToExit),
                new($"start-up: launch to exit of a 1000-element product, {n} parties (median of {launches})",
                    ["bench", "startup", "--job", "mul", "--size", "1000", "--parties", $"{n}", "--repeat", launches], LaunchToExit),
            }),
            new($"{epochs100} full-batch epochs, breast cancer, 3 parties", full, TrainSeconds, "external dealer", [.. full, .. dealer]),
            new($"{epochs20} epochs of mini-batches of 2, breast cancer, 3 parties", mini, TrainSeconds, "external dealer",
                [.. mini, .. dealer]),
            new($"{epochs100} full-batch epochs, one-round truncation", [.. full, "--truncation", "one-round"], TrainSeconds,
                "two-round (the default)", full),
            new($"10^{(quick ? 4 : 6)} products, 3 parties, online", [.. products, "--suite", "replicated"], Products, "external dealer",
                [.. products, .. dealer]),
            // Two parties: the ot source with its offline phase in bulk, online and in total, beside the external dealer.
            .. new[] { epochs10, epochs100 }.SelectMany(e => TwoParties(["--epochs", e], $"{e} full-batch epochs")),
            .. TwoParties(["--epochs", epochs20, "--batch-size", "2"], $"{epochs20} epochs of mini-batches of 2"),
            .. new[] { 3, 5, 7 }.Select(n => Shamir(n, ["bench", "train-lr", "--parties", $"{n}", .. breastCancer, "--epochs", epochs100],
                $"{epochs100} full-batch epochs, breast cancer", TrainSeconds)),
            .. new[] { 3, 5, 7 }.Select(n => Shamir(n, ["bench", "mul", "--parties", $"{n}", "--size", million, "--repeat", "3"],
                $"10^{(quick ? 4 : 6)} products, online", Products)),
            .. new[] { 3, 5, 7 }.Select(n => Shamir(n,
                ["bench", "compare", "--parties", $"{n}", "--size", hundredThousand, "--bits", "32", "--repeat", "3"],
                $"10^{(quick ? 3 : 5)} comparisons of 32-bit values", Comparisons)),
        ];

        Case[] TwoParties(string[] work, string what)
        {
            string[] run = ["bench", "train-lr", "--parties", "2", .. breastCancer, .. work];
            string[] byDealer = [.. run, .. dealer, "--comparison", "bits"];
            return
            [
                new($"{what}, 2 parties, online (additive on ot, offline phase in bulk)", run, TrainSeconds, "external dealer", byDealer),
                new($"{what}, 2 parties, offline + online (additive on ot)", run, OfflineAndTrainSeconds, "external dealer", byDealer),
            ];
        }

        // The trust-free default for 4 or more parties, and Shamir at 3, beside the external dealer for the same parties.
        Case Shamir(int parties, string[] work, string what, Measure measure) =>
            new($"{what}, {parties} parties (Shamir)", [.. work, "--suite", "shamir"], measure, "external dealer", [.. work, .. dealer]);
    }

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var repeat = new Option<int>("--repeat")
        {
            Description = "Alternating runs per row (medians and ranges reported).",
            DefaultValueFactory = _ => 3,
        };
        var output = new Option<string>("--out")
        {
            Description = "The Markdown file to write.",
            DefaultValueFactory = _ => Path.Combine("docs", "benchmarks.md"),
        };
        var quick = new Option<bool>("--quick") { Description = "Tiny sizes, to check the command itself." };
        var command = new Command("all", "Every benchmark the documents quote, beside its baseline, into docs/benchmarks.md.");
        foreach (var o in new Option[] { repeat, output, quick }) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            int runs = parse.GetValue(repeat);
            if (runs < 1)
            {
                await stderr.WriteLineAsync("mpc bench all: --repeat must be at least 1");
                return 2;
            }
            var rows = new List<string>();
            foreach (var c in Cases(parse.GetValue(quick)))
            {
                var (mine, baseline, loads) = (new List<double>(), new List<double>(), new List<double>());
                for (int r = 0; r < runs; r++)
                {
                    loads.Add(Load());
                    stdout.WriteLine($"mpc bench all: {c.Work}, run {r + 1}/{runs}");
                    mine.Add(await RunAsync(c.Arguments, c.Measure, stderr, ct));
                    if (c.Baseline is { } other) baseline.Add(await RunAsync(other, c.Measure, stderr, ct));
                }
                rows.Add(Row(c, mine, baseline, loads));
            }
            string path = parse.GetValue(output)!;
            AtomicFile.WriteAllText(path, Document(rows, runs));
            stdout.WriteLine($"mpc bench all: wrote {path}");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Runs this executable with <paramref name="arguments"/> and reads the measure from its JSON line (party 0's, for
    /// products and comparisons).
    /// </summary>
    private static async Task<double> RunAsync(string[] arguments, Measure measure, TextWriter stderr, CancellationToken ct)
    {
        var (exitCode, output, errorTail) = await ClusterLauncher.RunSelfAsync(arguments, ct);
        string command = "mpc " + string.Join(' ', arguments);
        if (exitCode != 0) throw new InvalidOperationException($"{command} exited with {exitCode}: {errorTail}");
        foreach (string line in output.Split('\n'))
        {
            int brace = line.IndexOf("{\"bench\"", StringComparison.Ordinal);
            if (brace < 0 || (line.StartsWith('[') && !line.StartsWith("[p0 ", StringComparison.Ordinal))) continue;
            var json = JsonNode.Parse(line[brace..])!.AsObject();
            if (json[measure.Key] is { } value) return value.GetValue<double>() * measure.Scale;
        }
        throw new InvalidOperationException($"{command} printed no {measure.Key}");
    }

    private static string Row(Case c, List<double> mine, List<double> baseline, List<double> loads)
    {
        string Cell(List<double> values) => values.Count == 0 ? "" : string.Create(CultureInfo.InvariantCulture,
            $"{BenchStatistics.Median(values):0.###} ({values.Min():0.###}-{values.Max():0.###})");
        string ratio = "";
        if (baseline.Count > 0)
        {
            // How many times better the measured configuration is: > 1 means faster than the baseline.
            var (measured, against) = (BenchStatistics.Median(mine), BenchStatistics.Median(baseline));
            double x = c.Measure.HigherIsBetter ? measured / against : against / measured;
            ratio = string.Create(CultureInfo.InvariantCulture, $"x{x:0.00}");
        }
        string command = "`mpc " + string.Join(' ', c.Arguments) + "`"
            + (c.Baseline is { } other ? $"; baseline `mpc {string.Join(' ', other)}`" : "");
        return string.Create(CultureInfo.InvariantCulture,
            $"| {c.Work} | {Cell(mine)} | {(c.BaselineName is null ? "" : $"{c.BaselineName}: {Cell(baseline)}")} | {ratio} | " +
            $"{c.Measure.Unit} | {loads.Min():0.0}-{loads.Max():0.0} | {command} |");
    }

    private static string Document(List<string> rows, int runs)
    {
        var text = new StringBuilder();
        text.AppendLine("# Benchmarks");
        text.AppendLine();
        text.AppendLine("Written by `mpc bench all`; run it again to refresh every figure. Each row alternates the default and its");
        text.AppendLine($"baseline in the same sitting, {runs} run{(runs == 1 ? "" : "s")} each: " +
            "the median, then the range. A ratio above 1 means the");
        text.AppendLine("measured configuration is faster than its baseline. The load is the 1-minute load average before each run");
        text.AppendLine("(the parties' own threads count).");
        text.AppendLine("Why the figures are what they are, and comparisons with other frameworks: [performance](performance.md).");
        text.AppendLine();
        text.AppendLine($"- machine: {Machine()}");
        text.AppendLine($"- date: {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC");
        text.AppendLine($"- build: {typeof(BenchAll).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()
            ?.InformationalVersion ?? "unknown"}, {(BenchStartup.ExecutableKind() == "native"
            ? "the native executable (dotnet publish -r)" : "the JIT build (dotnet build)")}");
        text.AppendLine();
        text.AppendLine("| work | measured | baseline | ratio | unit | load | command |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (string row in rows) text.AppendLine(row);
        return text.ToString();
    }

    private static double Load()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }

    private static string Machine()
    {
        string cpu = "unknown processor";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo")
                .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux: the count of cores still says something.
        }
        double gib = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (double)(1L << 30);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores ({cpu}), {gib:0} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
    }
}
