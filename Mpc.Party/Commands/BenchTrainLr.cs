using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Mpc.Ml.Data;
using Mpc.Party.Launch;

namespace Mpc.Party.Commands;

/// <summary>
/// <c>mpc bench train-lr --parties N --rows R --features F --epochs E [...]</c>: a throwaway loopback cluster of N
/// party processes (TLS unless --insecure), each with its part of a synthetic data set (<see cref="SyntheticData"/>) or
/// of a given CSV file, runs <c>train-lr</c>, and prints one JSON line: seconds per epoch, total seconds, bytes and rounds.
/// </summary>
internal static class BenchTrainLr
{
    public static Command Create(Option<bool> verbose, TextWriter stdout, TextWriter stderr)
    {
        var parties = new Option<int>("--parties") { Description = "Number of party processes.", DefaultValueFactory = _ => 3 };
        var rows = new Option<int>("--rows") { Description = "Synthetic rows (all parties together).", DefaultValueFactory = _ => 10_000 };
        var features = new Option<int>("--features") { Description = "Synthetic features.", DefaultValueFactory = _ => 20 };
        var csv = new Option<string?>("--csv")
        {
            Description = "Split this CSV file among the parties instead of synthetic data (e.g. data/breast_cancer.csv).",
        };
        var label = new Option<string>("--label") { Description = "The label column of --csv.", DefaultValueFactory = _ => "malignant" };
        var partition = new Option<string>("--partition")
        {
            Description = "horizontal or vertical.",
            DefaultValueFactory = _ => "horizontal",
        }.AcceptOnlyFromAmong("horizontal", "vertical");
        var epochs = new Option<int>("--epochs") { Description = "Epochs.", DefaultValueFactory = _ => 1 };
        var batch = new Option<int?>("--batch-size") { Description = "Rows per step (default: full batch)." };
        var rate = new Option<double?>("--learning-rate") { Description = "Step size (default: train-lr's)." };
        var suite = Jobs.SuiteOptions.SuiteOption();
        var preprocessing = new Option<string?>("--preprocessing")
        {
            Description = "The additive suite's preprocessing (default: train-lr's).",
        };
        var truncation = Jobs.SuiteOptions.TruncationOption();
        var comparison = new Option<string?>("--comparison") { Description = "The additive suite's comparisons (default: train-lr's)." };
        var offline = new Option<string?>("--offline")
        {
            Description = "When the additive suite's material is made (default: train-lr's).",
        };
        var sigmoid = new Option<string?>("--sigmoid") { Description = "Sigmoid approximation (default: train-lr's)." };
        var fractional = new Option<int?>("--fractional-bits") { Description = "Fixed-point fractional bits (default: train-lr's)." };
        var profile = new Option<bool>("--profile") { Description = "Have the parties print where training time goes." };
        var insecure = new Option<bool>("--insecure") { Description = "Plaintext links instead of TLS." };
        var command = new Command("train-lr", "Secure logistic regression training on N party processes; prints a JSON line.");
        foreach (var o in new Option[] { parties, rows, features, csv, label, partition, epochs, batch, rate, suite, preprocessing,
            truncation, comparison, offline, sigmoid, fractional, profile, insecure })
            command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            int n = parse.GetValue(parties);
            string kind = parse.GetValue(partition)!, labelColumn = parse.GetValue(label)!;
            string? csvFile = parse.GetValue(csv);
            if (csvFile is not null && !File.Exists(csvFile))
            {
                await stderr.WriteLineAsync($"mpc bench: {csvFile} does not exist");
                return 2;
            }
            if (csvFile is null) labelColumn = SyntheticData.LabelName;
            bool vertical = kind == "vertical";
            using var cluster = TemporaryCluster.Create(n, "bench-train-lr", data: p => vertical
                ? new JsonObject
                {
                    ["file"] = $"party-{p}.csv", ["partition"] = "vertical", ["id"] = "id", ["labelOwner"] = 0,
                    ["label"] = p == 0 ? labelColumn : null,
                }
                : new JsonObject { ["file"] = $"party-{p}.csv", ["partition"] = "horizontal", ["label"] = labelColumn },
                dealer: parse.GetValue(preprocessing) == "dealer");

            var generate = Stopwatch.StartNew();
            int totalRows, featureCount;
            if (csvFile is null && !vertical)
            {
                totalRows = parse.GetValue(rows);
                featureCount = parse.GetValue(features);
                var synthetic = new SyntheticData(featureCount, 1);
                for (int p = 0; p < n; p++)
                {
                    using var writer = new StreamWriter(Path.Combine(cluster.Directory, $"party-{p}.csv"), false, new UTF8Encoding(false),
                        1 << 16);
                    synthetic.WriteCsv(writer, (int)((long)totalRows * (p + 1) / n - (long)totalRows * p / n), block: p);
                }
            }
            else
            {
                string text;
                if (csvFile is not null) text = await File.ReadAllTextAsync(csvFile, ct);
                else
                {
                    var writer = new StringWriter(CultureInfo.InvariantCulture);
                    new SyntheticData(parse.GetValue(features), 1).WriteCsv(writer, parse.GetValue(rows));
                    text = writer.ToString();
                }
                var parts = vertical ? CsvPartitioner.Vertical(text, n, labelColumn, 7) : CsvPartitioner.Horizontal(text, n, 7);
                for (int p = 0; p < n; p++) await File.WriteAllTextAsync(Path.Combine(cluster.Directory, $"party-{p}.csv"), parts[p], ct);
                var header = text[..text.IndexOf('\n')].TrimEnd('\r').Split(',');
                totalRows = text.Count(c => c == '\n') - 1;
                featureCount = header.Length - 1;
            }
            generate.Stop();

            string outDirectory = Path.Combine(cluster.Directory, "out");
            var job = new List<string>
            {
                "train-lr", "--suite", parse.GetValue(suite)!, "--epochs", Invariant(parse.GetValue(epochs)), "--out", outDirectory,
            };
            if (parse.GetValue(batch) is int b) job.AddRange(["--batch-size", Invariant(b)]);
            if (parse.GetValue(rate) is double r) job.AddRange(["--learning-rate", r.ToString("R", CultureInfo.InvariantCulture)]);
            if (parse.GetValue(preprocessing) is { } pre) job.AddRange(["--preprocessing", pre]);
            job.AddRange(["--truncation", parse.GetValue(truncation)!]);
            if (parse.GetValue(comparison) is { } compare) job.AddRange(["--comparison", compare]);
            if (parse.GetValue(offline) is { } when) job.AddRange(["--offline", when]);
            if (parse.GetValue(sigmoid) is { } s) job.AddRange(["--sigmoid", s]);
            if (parse.GetValue(fractional) is int f) job.AddRange(["--fractional-bits", Invariant(f)]);
            if (parse.GetValue(profile)) job.Add("--profile");

            bool showParties = parse.GetValue(verbose) || parse.GetValue(profile);
            var clock = Stopwatch.StartNew();
            var trainLr = new Jobs.TrainLrJob();
            int code = await new ClusterLauncher(showParties ? stdout : TextWriter.Null, stderr, Logging.FormatOf(parse))
                .RunAsync(cluster.ClusterPath, parse.GetValue(insecure), parse.GetValue(verbose), job, ct,
                (c, configs) => trainLr.Plan(MpcCommandLine.ParseJob(trainLr, job), c, configs, TextWriter.Null));
            double launchSeconds = clock.Elapsed.TotalSeconds;
            if (code != 0) return code;

            var metrics = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(outDirectory, "p0", "metrics.json"), ct))!.AsObject();
            var line = new JsonObject
            {
                ["bench"] = "train-lr",
                ["suite"] = metrics["suite"]?.DeepClone(),
                ["preprocessing"] = metrics["preprocessing"]?.DeepClone(),
                ["truncation"] = metrics["truncation"]?.DeepClone(),
                ["partition"] = kind,
                ["parties"] = n,
                ["rows"] = totalRows,
                ["features"] = featureCount,
                ["train_rows"] = metrics["train_rows"]?.DeepClone(),
                ["epochs"] = metrics["epochs"]?.DeepClone(),
                ["batch_size"] = metrics["batch_size"]?.DeepClone(),
                ["sigmoid"] = metrics["sigmoid"]?.DeepClone(),
                ["seconds_per_epoch"] = metrics["seconds_per_epoch"]?.DeepClone(),
                ["train_seconds"] = metrics["train_seconds"]?.DeepClone(),
                // The offline phase made in bulk before training (none on demand: its work is inside the training time).
                ["offline_seconds"] = OfflineSeconds(metrics),
                ["offline_and_train_seconds"] = Math.Round(OfflineSeconds(metrics) + metrics["train_seconds"]!.GetValue<double>(), 6),
                ["offline_bytes_sent"] = metrics["offline"]?["bytes_sent"]?.DeepClone() ?? 0,
                ["job_seconds"] = metrics["job_seconds"]?.DeepClone(),
                ["total_seconds"] = Math.Round(launchSeconds, 3),
                ["data_seconds"] = Math.Round(generate.Elapsed.TotalSeconds, 3),
                ["bytes_sent"] = metrics["bytes_sent"]?.DeepClone(),
                ["train_bytes_sent"] = metrics["train_bytes_sent"]?.DeepClone(),
                ["rounds"] = metrics["rounds"]?.DeepClone(),
                ["rounds_per_epoch"] = metrics["rounds_per_epoch"]?.DeepClone(),
                ["train_jit_seconds"] = metrics["train_jit_seconds"]?.DeepClone(),
                ["train_jit_methods"] = metrics["train_jit_methods"]?.DeepClone(),
                ["accuracy"] = metrics["accuracy"]?.DeepClone(),
            };
            await stdout.WriteLineAsync(line.ToJsonString());
            return 0;
        });
        return command;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static double OfflineSeconds(JsonObject metrics) => metrics["offline"]?["seconds"]?.GetValue<double>() ?? 0;
}
