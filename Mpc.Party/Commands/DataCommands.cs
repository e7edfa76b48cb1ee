using System.CommandLine;
using System.Globalization;
using System.Text;
using Mpc.Ml.Data;
using Mpc.Ml.Metrics;
using Mpc.Party.Output;

namespace Mpc.Party.Commands;

/// <summary>
/// The plaintext data commands around training: <c>mpc predict</c> (apply a revealed model to a CSV file),
/// <c>mpc datagen</c> (a synthetic labelled set with a known true model) and <c>mpc split</c> (per-party files from
/// one CSV file, for demos).
/// </summary>
internal static class DataCommands
{
    private const int Ok = 0, BadInput = 2;

    public static IEnumerable<Command> Create(TextWriter stdout, TextWriter stderr) =>
        [Predict(stdout, stderr), ExportOnnx(stdout, stderr), Datagen(stdout, stderr), Split(stdout, stderr)];

    private static Command ExportOnnx(TextWriter stdout, TextWriter stderr)
    {
        var models = new Option<string[]>("--model")
        {
            Description = "model.json from train-lr (vertical: every party's file, merged as predict merges them), or " +
                "linear-model.json from train-linear.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string>("--out") { Description = "The ONNX file to write.", Required = true };
        var command = new Command("export-onnx",
            "Write a revealed model as ONNX (ai.onnx.ml LinearClassifier or LinearRegressor) for ONNX Runtime or ML.NET.");
        command.Options.Add(models);
        command.Options.Add(output);
        command.SetAction(parse => Run(stderr, () =>
        {
            var paths = parse.GetValue(models)!;
            string first = File.ReadAllText(paths[0]);
            byte[]? onnx;
            if (LinearModelFile.IsLinear(paths[0]))
            {
                var linear = LoadLinear(paths);
                onnx = OnnxExport.Regressor(linear.Features, linear.Weights, linear.Intercept);
            }
            else if (MulticlassModelFile.IsMulticlass(first))
            {
                var model = MulticlassModelFile.Parse(first, paths[0]);
                foreach (var other in paths.Skip(1)) model = model.Merge(MulticlassModelFile.Parse(File.ReadAllText(other), other), other);
                onnx = model.ToOnnx() ?? throw MissingStandardisation(model.MissingStandardisation());
            }
            else
            {
                var model = ModelFile.Load(paths[0]);
                foreach (var other in paths.Skip(1)) model = model.Merge(ModelFile.Load(other), other);
                onnx = model.ToOnnx() ?? throw MissingStandardisation(model.MissingStandardisation());
            }
            string path = parse.GetValue(output)!;
            AtomicFile.Write(path, stream => stream.Write(onnx));
            stdout.WriteLine($"export-onnx: wrote {path} ({onnx.Length} bytes) from {string.Join(", ", paths)}");
        }));
        return command;
    }

    // A linear model in the data's units: a vertical one merged from every party's file first.
    private static LinearModelFile LoadLinear(string[] paths)
    {
        var model = LinearModelFile.Load(paths[0]);
        foreach (var other in paths.Skip(1)) model = model.Merge(LinearModelFile.Load(other), other);
        return model.InDataUnits(paths[0]);
    }

    private static InvalidDataException MissingStandardisation(IEnumerable<string> features)
    {
        var missing = features.ToArray();
        return new InvalidDataException($"the model lacks the standardisation of {missing.Length} features " +
            $"({string.Join(", ", missing.Take(3))}{(missing.Length > 3 ? ", ..." : "")}): " +
            "a vertical party knows only its own; pass every party's model.json with --model.");
    }

    private static Command Predict(TextWriter stdout, TextWriter stderr)
    {
        var models = new Option<string[]>("--model")
        {
            Description = "model.json from train-lr (in vertical mode every party's file: each knows its own features' " +
                "standardisation), or linear-model.json from train-linear.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var data = new Option<string>("--data")
        {
            Description = "CSV file with the model's feature columns (and, for metrics, its label column).",
            Required = true,
        };
        var output = new Option<string?>("--out")
        {
            Description = "Write predictions (row, probability, prediction) to this CSV file; default: standard output.",
        };
        var command = new Command("predict",
            "Apply a revealed model to a CSV file: probabilities per row, and accuracy, AUC and log-loss when the file has the label.");
        foreach (var o in new Option[] { models, data, output }) command.Options.Add(o);
        command.SetAction(parse => Run(stderr, () =>
        {
            var paths = parse.GetValue(models)!;
            if (File.Exists(paths[0]) && LinearModelFile.IsLinear(paths[0]))
            {
                PredictLinear(LoadLinear(paths), parse.GetValue(data)!, parse.GetValue(output), stdout, stderr);
                return;
            }
            if (File.Exists(paths[0]) && MulticlassModelFile.IsMulticlass(File.ReadAllText(paths[0])))
            {
                var multiclass = MulticlassModelFile.Parse(File.ReadAllText(paths[0]), paths[0]);
                foreach (var other in paths.Skip(1))
                    multiclass = multiclass.Merge(MulticlassModelFile.Parse(File.ReadAllText(other), other), other);
                PredictMulticlass(multiclass, parse.GetValue(data)!, parse.GetValue(output), stdout, stderr);
                return;
            }
            var model = ModelFile.Load(paths[0]);
            foreach (var other in paths.Skip(1)) model = model.Merge(ModelFile.Load(other), other);
            if (model.MissingStandardisation().Any()) throw MissingStandardisation(model.MissingStandardisation());
            // Notices go where the summary goes: with no --out, standard output is the predictions' CSV.
            string file = Launch.BundledFiles.ResolveOrSame(parse.GetValue(data)!, parse.GetValue(output) is null ? stderr : stdout);
            var header = CsvTableReader.ReadHeader(file);
            string? label = model.Label is { } l && header.Contains(l) ? l : null;
            string? id = header.Contains("id") && !model.Features.Contains("id") ? "id" : null;
            var table = CsvTableReader.Read(file, new CsvColumns(label, id, model.Features));

            var probabilities = new double[table.RowCount];
            for (int i = 0; i < table.RowCount; i++)
                probabilities[i] = ModelFile.Logistic(model.Score(table.Features.AsSpan(i * table.FeatureCount, table.FeatureCount)));
            var csv = new StringBuilder(id is null ? "row,probability,prediction" : "row,id,probability,prediction")
                .Append(label is null ? "\n" : $",{label}\n");
            for (int i = 0; i < table.RowCount; i++)
            {
                csv.Append(table.LineNumbers[i].ToString(CultureInfo.InvariantCulture));
                if (id is not null) csv.Append(',').Append(CsvText.Cell(table.Ids![i]));
                csv.Append(CultureInfo.InvariantCulture, $",{probabilities[i]:0.######},{(probabilities[i] >= 0.5 ? 1 : 0)}");
                csv.Append(label is null ? "\n" : $",{table.Labels![i].ToString(CultureInfo.InvariantCulture)}\n");
            }
            string? outPath = parse.GetValue(output);
            var summary = outPath is null ? stderr : stdout;
            if (outPath is null) stdout.Write(csv.ToString());
            else AtomicFile.WriteAllText(outPath, csv.ToString());
            summary.WriteLine($"predict: {table.RowCount} rows of {file}{(outPath is null ? "" : $", predictions in {outPath}")}");
            if (table.Labels is not null)
            {
                var m = ClassificationMetrics.Of(probabilities, table.Labels);
                summary.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"predict: accuracy {m.Accuracy:0.0000}, AUC {m.Auc:0.0000}, log-loss {m.LogLoss:0.0000} (label '{label}')"));
            }
        }));
        return command;
    }

    /// <summary>
    /// A multiclass model from train-lr --multiclass: each row's class probabilities and predicted class, and accuracy,
    /// log-loss and the confusion matrix when the file has the label.
    /// </summary>
    private static void PredictMulticlass(MulticlassModelFile model, string data, string? outPath, TextWriter stdout,
        TextWriter stderr)
    {
        if (model.MissingStandardisation().Any()) throw MissingStandardisation(model.MissingStandardisation());
        var summary = outPath is null ? stderr : stdout;
        string file = Launch.BundledFiles.ResolveOrSame(data, summary);
        string? label = model.Label is { } l && CsvTableReader.ReadHeader(file).Contains(l) ? l : null;
        var table = CsvTableReader.Read(file, new CsvColumns(label, null, model.Features, ClassLabel: true));
        int k = model.Classes.Count;
        var csv = new StringBuilder("row,").AppendJoin(',', model.Classes.Select(c => $"p{c}")).Append(",prediction")
            .Append(label is null ? "\n" : $",{label}\n");
        var probabilities = new double[table.RowCount * k];
        var truth = new List<int>();
        for (int i = 0; i < table.RowCount; i++)
        {
            var p = model.Probabilities(table.Features.AsSpan(i * table.FeatureCount, table.FeatureCount));
            p.CopyTo(probabilities, i * k);
            csv.Append(table.LineNumbers[i].ToString(CultureInfo.InvariantCulture));
            foreach (double v in p) csv.Append(CultureInfo.InvariantCulture, $",{v:0.######}");
            csv.Append(',').Append(model.Classes[MulticlassMetrics.ArgMax(p)].ToString(CultureInfo.InvariantCulture));
            if (label is null) { csv.Append('\n'); continue; }
            double y = table.Labels![i];
            csv.Append(',').Append(y.ToString(CultureInfo.InvariantCulture)).Append('\n');
            int index = Enumerable.Range(0, k).FirstOrDefault(c => model.Classes[c] == y, -1);
            if (index < 0)
                throw new DataException($"the label {y} is not one of the model's classes.", file: file, row: table.LineNumbers[i],
                    column: label);
            truth.Add(index);
        }
        if (outPath is null) stdout.Write(csv.ToString());
        else AtomicFile.WriteAllText(outPath, csv.ToString());
        summary.WriteLine($"predict: {table.RowCount} rows of {file}{(outPath is null ? "" : $", predictions in {outPath}")}");
        if (label is null) return;
        var m = MulticlassMetrics.Of(model.Classes, probabilities, truth.ToArray());
        summary.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"predict: accuracy {m.Accuracy:0.0000}, log-loss {m.LogLoss:0.0000} over {k} classes (label '{label}')"));
    }

    /// <summary>A linear model from train-linear: a prediction per row, and R^2 and RMSE when the file has the target.</summary>
    private static void PredictLinear(LinearModelFile model, string data, string? outPath, TextWriter stdout, TextWriter stderr)
    {
        var summary = outPath is null ? stderr : stdout;
        string file = Launch.BundledFiles.ResolveOrSame(data, summary);
        string? target = CsvTableReader.ReadHeader(file).Contains(model.Target) ? model.Target : null;
        var table = CsvTableReader.Read(file, new CsvColumns(target, null, model.Features, ContinuousLabel: true));
        var csv = new StringBuilder(target is null ? "row,prediction\n" : $"row,prediction,{target}\n");
        var predictions = new double[table.RowCount];
        for (int i = 0; i < table.RowCount; i++)
        {
            predictions[i] = model.Predict(table.Features.AsSpan(i * table.FeatureCount, table.FeatureCount));
            csv.Append(CultureInfo.InvariantCulture, $"{table.LineNumbers[i]},{predictions[i]:0.######}");
            csv.Append(target is null ? "\n" : $",{table.Labels![i].ToString(CultureInfo.InvariantCulture)}\n");
        }
        if (outPath is null) stdout.Write(csv.ToString());
        else AtomicFile.WriteAllText(outPath, csv.ToString());
        summary.WriteLine($"predict: {table.RowCount} rows of {file}{(outPath is null ? "" : $", predictions in {outPath}")}");
        if (table.Labels is not { } y) return;
        double mean = y.Average(), residual = 0, total = 0;
        for (int i = 0; i < y.Length; i++)
        {
            residual += (y[i] - predictions[i]) * (y[i] - predictions[i]);
            total += (y[i] - mean) * (y[i] - mean);
        }
        summary.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"predict: R^2 {1 - residual / total:0.0000}, RMSE {Math.Sqrt(residual / y.Length):0.###} (target '{target}')"));
    }

    private static Command Datagen(TextWriter stdout, TextWriter stderr)
    {
        var rows = new Option<int>("--rows") { Description = "Rows.", Required = true };
        var features = new Option<int>("--features") { Description = "Feature columns.", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the true model and the rows.", DefaultValueFactory = _ => 1UL };
        var output = new Option<string?>("--out")
        {
            Description = "The CSV file to write (default synthetic-<rows>x<features>.csv); " +
                "the true model goes next to it as <name>.truth.json.",
        };
        var target = new Option<string>("--target")
        {
            Description = "logistic (0/1 labels) or linear (a continuous target: the score plus Gaussian noise).",
            DefaultValueFactory = _ => "logistic",
        }.AcceptOnlyFromAmong("logistic", "linear");
        var command = new Command("datagen",
            "Write a synthetic labelled CSV data set (Gaussian features, logistic or linear labels) and its known true model.");
        foreach (var o in new Option[] { rows, features, seed, target, output }) command.Options.Add(o);
        command.SetAction(parse => Run(stderr, () =>
        {
            int r = parse.GetValue(rows), f = parse.GetValue(features);
            if (r < 1 || f < 1) throw new ArgumentException("--rows and --features must be positive.");
            var synthetic = new SyntheticData(f, parse.GetValue(seed), parse.GetValue(target) == "linear");
            string path = parse.GetValue(output) ?? $"synthetic-{r}x{f}.csv";
            AtomicFile.Write(path, stream =>
            {
                using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
                synthetic.WriteCsv(writer, r);
            });
            string truthPath = Path.ChangeExtension(path, null) + ".truth.json";
            AtomicFile.WriteAllText(truthPath,
                synthetic.Linear ? LinearTruth(synthetic) : LogisticTruth(synthetic, r, f, parse.GetValue(seed)));
            stdout.WriteLine($"datagen: {r} rows x {f} features in {path}; the true model in {truthPath}");
        }));
        return command;
    }

    // The generating model in the data's units, as linear-model.json (mpc predict reads it).
    private static string LinearTruth(SyntheticData synthetic) => JsonText.Write(json =>
    {
        double[] weights = [.. synthetic.Weights.Select((w, j) => w / synthetic.Scales[j])];
        double intercept = synthetic.Bias - weights.Select((w, j) => w * synthetic.Means[j]).Sum();
        json.WriteStartObject();
        new LinearModelFile(SyntheticData.LabelName, [.. synthetic.FeatureNames], weights, intercept).WriteFields(json);
        json.WriteString("noise", "standard Gaussian");
        json.WriteEndObject();
    });

    // The generating model on standardised features, as model.json.
    private static string LogisticTruth(SyntheticData synthetic, int r, int f, ulong seed)
    {
        var truth = new ModelFile
        {
            Label = SyntheticData.LabelName,
            Features = synthetic.FeatureNames,
            Weights = synthetic.Weights,
            Bias = synthetic.Bias,
            Standardisation = new ModelFile.StandardisationSection(
                synthetic.Means.Cast<double?>().ToArray(), synthetic.Scales.Cast<double?>().ToArray()),
            Sigmoid = "exact logistic (the generating model)",
            Settings = new Dictionary<string, string>
            {
                ["rows"] = r.ToString(CultureInfo.InvariantCulture),
                ["features"] = f.ToString(CultureInfo.InvariantCulture),
                ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
            },
        };
        return truth.ToJson();
    }

    private static Command Split(TextWriter stdout, TextWriter stderr)
    {
        var input = new Option<string>("--input") { Description = "The CSV file (header row, comma-separated).", Required = true };
        var parties = new Option<int>("--parties") { Description = "Number of parties.", Required = true };
        var partition = new Option<string>("--partition")
        {
            Description = "horizontal (rows) or vertical (columns, with an id column and the label at party 0).",
            DefaultValueFactory = _ => "horizontal",
        }.AcceptOnlyFromAmong("horizontal", "vertical");
        var label = new Option<string?>("--label") { Description = "The label column (vertical: it goes to party 0)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the shuffle.", DefaultValueFactory = _ => 7UL };
        var output = new Option<string?>("--out")
        {
            Description = "Folder for party-<i>.csv (default: <input>-<partition>-<parties> next to the input).",
        };
        var overlap = new Option<double>("--overlap")
        {
            Description = "Vertical: each party keeps this share of the rows, its own random choice (ids then differ).",
            DefaultValueFactory = _ => 1.0,
        };
        var command = new Command("split", "Split one CSV file into per-party files, horizontally or vertically, for demos.");
        foreach (var o in new Option[] { input, parties, partition, label, seed, overlap, output }) command.Options.Add(o);
        command.SetAction(parse => Run(stderr, () =>
        {
            string file = parse.GetValue(input)!, kind = parse.GetValue(partition)!;
            int n = parse.GetValue(parties);
            if (n is < 2 or > 64) throw new ArgumentException("--parties must lie between 2 and 64.");
            if (!File.Exists(file)) throw new DataException("the file does not exist.", file: file);
            string csv = File.ReadAllText(file);
            string[] parts;
            if (kind == "vertical")
            {
                string column = parse.GetValue(label)
                    ?? throw new ArgumentException("--label is required for a vertical split (the label goes to party 0).");
                if (!CsvTableReader.ReadHeader(file).Contains(column))
                    throw new DataException("the label column is missing from the header.", file: file, row: 1, column: column);
                parts = CsvPartitioner.Vertical(csv, n, column, parse.GetValue(seed), overlap: parse.GetValue(overlap));
            }
            else if (parse.GetValue(overlap) != 1) throw new ArgumentException("--overlap is for a vertical split.");
            else parts = CsvPartitioner.Horizontal(csv, n, parse.GetValue(seed));
            string directory = parse.GetValue(output)
                ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, $"{Path.GetFileNameWithoutExtension(file)}-{kind}-{n}");
            for (int p = 0; p < n; p++) AtomicFile.WriteAllText(Path.Combine(directory, $"party-{p}.csv"), parts[p]);
            stdout.WriteLine($"split: {n} {kind} parts of {file} in {directory}/party-0.csv .. party-{n - 1}.csv");
        }));
        return command;
    }

    private static int Run(TextWriter stderr, Action action)
    {
        try
        {
            action();
            return Ok;
        }
        catch (Exception ex) when (ex is Mpc.Core.MpcException or InvalidDataException or ArgumentException or IOException
            or UnauthorizedAccessException)
        {
            stderr.WriteLine($"mpc: {ex.Message}");
            return BadInput;
        }
    }
}
