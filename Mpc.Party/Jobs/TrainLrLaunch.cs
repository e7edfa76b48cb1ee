using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Mpc.Ml.Data;
using Mpc.Ml.Metrics;
using Mpc.Ml.Training;
using Mpc.Net.Configuration;
using Mpc.Party.Output;

namespace Mpc.Party.Jobs;

/// <summary>
/// What <c>mpc launch ... train-lr</c> does besides starting the parties: gives each party its own output folder
/// (<c>--out DIR</c> becomes DIR/&lt;party&gt;), and with <c>--compare-plaintext</c> reads every party's file (the
/// launcher is a demo process on the machine that holds them all; the parties never read each other's files), trains
/// the same algorithm in double precision and Newton's method to convergence on the pooled data while the parties
/// run, then adds the comparison to every party's metrics.json and prints the accuracies side by side.
/// </summary>
internal sealed class TrainLrLaunch : ILaunchPlan
{
    private readonly TrainLrSettings _settings;
    private readonly ClusterConfig _cluster;
    private readonly string _outRoot;
    private readonly TextWriter _stdout;
    private readonly Task<References>? _references;
    private readonly Task<MulticlassReference>? _multiclass;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private TrainLrLaunch(TrainLrSettings settings, ClusterConfig cluster, TextWriter stdout, Task<References>? references,
        string outRoot, Task<MulticlassReference>? multiclass = null)
    {
        _multiclass = multiclass;
        _settings = settings;
        _cluster = cluster;
        _stdout = stdout;
        _references = references;
        _outRoot = outRoot;
    }

    /// <summary>Plans a launch; with --compare-plaintext, starts the references on every party's data.</summary>
    /// <exception cref="ConfigException">A party file's data section is wrong.</exception>
    /// <exception cref="DataException">A party's CSV file is wrong (names the party, file, row and column).</exception>
    public static TrainLrLaunch Create(ParseResult parse, ClusterConfig cluster, IReadOnlyList<PartyConfig> parties, TextWriter stdout)
    {
        var settings = TrainLrSettings.From(parse).For(parties.Count);
        // Every party's folder is checked before any party starts; with no --out, this run gets a folder of its own.
        if (settings.OutDirectory is { } given)
        {
            for (int p = 0; p < cluster.ComputingPartyCount; p++)
                RunFolders.RefuseEarlierResults(Path.Combine(given, cluster.Parties[p].Name), settings.Force, settings.Resume);
        }
        string outRoot = settings.OutDirectory ?? RunFolders.CreateRun(TrainLrJob.SessionFolder(cluster.SessionId),
            TrainLrJob.JobName(offlineOnly: parse.CommandResult.Command.Name == "preprocess" || settings.OfflineOnly), DateTime.Now);
        Task<References>? references = null;
        if (settings.ComparePlaintext)
        {
            var configs = parties.Select(p => TrainingDataConfig.From(p, settings.Partition, settings.Label))
                .Select(c => c with { Columns = c.Columns with { ClassLabel = settings.IsMulticlass } }).ToArray();
            var tables = configs.Select((c, i) =>
            {
                try
                {
                    return CsvTableReader.Read(c.File, c.Columns);
                }
                catch (DataException ex)
                {
                    throw ex.WithParty(i);
                }
            }).ToArray();
            if (settings.IsMulticlass)
                return new TrainLrLaunch(settings, cluster, stdout, null, outRoot,
                    Task.Run(() => MulticlassReference.Compute(tables, configs[0].Partition, settings)));
            references = Task.Run(() => References.Compute(tables, configs[0].Partition, settings));
        }
        return new TrainLrLaunch(settings, cluster, stdout, references, outRoot);
    }

    /// <summary>The party's own output folder replaces --out; --compare-plaintext is the launcher's alone.</summary>
    public IReadOnlyList<string> ArgumentsFor(int party, IReadOnlyList<string> jobArguments)
    {
        var args = PerPartyOutput.WithOut(jobArguments, PartyDirectory(party), "--compare-plaintext");
        // Checkpoints stay where a later run's --resume looks for them, not in this run's folder.
        if (_settings.OutDirectory is null && _settings.CheckpointDirectory is null && _settings.Checkpointing)
        {
            args.Add("--checkpoint-dir");
            args.Add(TrainLrJob.CheckpointRoot(_settings, _cluster.SessionId));
        }
        return args;
    }

    /// <inheritdoc />
    public async Task<int> FinishAsync(int exitCode, CancellationToken ct)
    {
        if (exitCode != 0) return exitCode;
        if (_multiclass is not null) return await CompareMulticlassAsync(await _multiclass.WaitAsync(ct), ct);
        if (_references is null)
        {
            lock (_stdout) _stdout.WriteLine($"train-lr: results in {_outRoot}/<party>/");
            return exitCode;
        }
        var references = await _references.WaitAsync(ct);
        JsonObject? first = null;
        double maxDiff = 0;
        for (int p = 0; p < _cluster.ComputingPartyCount; p++)
        {
            string directory = PartyDirectory(p), metricsPath = Path.Combine(directory, "metrics.json");
            var model = ModelFile.Load(Path.Combine(directory, "model.json"));
            var metrics = JsonNode.Parse(await File.ReadAllTextAsync(metricsPath, ct))!.AsObject();
            var secure = model.Weights.Append(model.Bias).ToArray();
            double diff = secure.Zip(references.PlaintextWeights, (a, b) => Math.Abs(a - b)).Max();
            maxDiff = Math.Max(maxDiff, diff);
            metrics["plaintext_accuracy"] = references.Plaintext.Accuracy;
            metrics["plaintext_auc"] = references.Plaintext.Auc;
            metrics["plaintext_log_loss"] = references.Plaintext.LogLoss;
            metrics["converged_accuracy"] = references.Converged.Accuracy;
            metrics["converged_auc"] = references.Converged.Auc;
            metrics["converged_log_loss"] = references.Converged.LogLoss;
            metrics["max_weight_diff"] = diff;
            AtomicFile.WriteAllText(metricsPath, metrics.ToJsonString(ModelFile.Json) + "\n");
            first ??= metrics;
        }

        double Get(string name) => first![name]?.GetValue<double>() ?? double.NaN;
        string Row(string what, double secure, double plain, double converged) =>
            string.Create(CultureInfo.InvariantCulture, $"  {what,-10} {secure,10:0.0000} {plain,12:0.0000} {converged,12:0.0000}");
        lock (_stdout)
        {
            _stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"train-lr: test set of {(int)Get("test_rows")} rows      secure    plaintext    converged (Newton)"));
            _stdout.WriteLine(Row("accuracy", Get("accuracy"), references.Plaintext.Accuracy, references.Converged.Accuracy));
            _stdout.WriteLine(Row("AUC", Get("auc"), references.Plaintext.Auc, references.Converged.Auc));
            _stdout.WriteLine(Row("log-loss", Get("log_loss"), references.Plaintext.LogLoss, references.Converged.LogLoss));
            _stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"train-lr: max |secure - plaintext weight| {maxDiff:0.##e+00}; secure training {Get("train_seconds"):0.000} s, " +
                $"whole launch {_clock.Elapsed.TotalSeconds:0.0} s; metrics in {_outRoot}/<party>/metrics.json"));
        }
        return 0;
    }

    // Every party's accuracy and log-loss beside the plaintext twin's, added to its metrics.json and printed.
    private async Task<int> CompareMulticlassAsync(MulticlassReference reference, CancellationToken ct)
    {
        double maxDiff = 0, accuracy = double.NaN, logLoss = double.NaN, seconds = double.NaN;
        for (int p = 0; p < _cluster.ComputingPartyCount; p++)
        {
            string directory = PartyDirectory(p), metricsPath = Path.Combine(directory, "metrics.json");
            string modelPath = Path.Combine(directory, "model.json");
            var model = MulticlassModelFile.Parse(await File.ReadAllTextAsync(modelPath, ct), modelPath);
            var metrics = JsonNode.Parse(await File.ReadAllTextAsync(metricsPath, ct))!.AsObject();
            int k = model.Classes.Count, d = model.Features.Count;
            for (int c = 0; c < k; c++)
            {
                for (int j = 0; j < d; j++) maxDiff = Math.Max(maxDiff, Math.Abs(model.Weights[c][j] - reference.Weights[j * k + c]));
                maxDiff = Math.Max(maxDiff, Math.Abs(model.Biases[c] - reference.Weights[d * k + c]));
            }
            metrics["plaintext_accuracy"] = reference.Plaintext.Accuracy;
            metrics["plaintext_log_loss"] = reference.Plaintext.LogLoss;
            metrics["max_weight_diff"] = maxDiff;
            AtomicFile.WriteAllText(metricsPath, metrics.ToJsonString(ModelFile.Json) + "\n");
            accuracy = metrics["accuracy"]!.GetValue<double>();
            logLoss = metrics["log_loss"]!.GetValue<double>();
            seconds = metrics["train_seconds"]!.GetValue<double>();
        }
        lock (_stdout)
        {
            _stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"train-lr: test set of {reference.Plaintext.Rows} rows      secure    plaintext"));
            _stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {"accuracy",-10} {accuracy,10:0.0000} {reference.Plaintext.Accuracy,12:0.0000}"));
            _stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {"log-loss",-10} {logLoss,10:0.0000} {reference.Plaintext.LogLoss,12:0.0000}"));
            _stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"train-lr: max |secure - plaintext weight| {maxDiff:0.##e+00}; secure training {seconds:0.000} s, " +
                $"whole launch {_clock.Elapsed.TotalSeconds:0.0} s; metrics in {_outRoot}/<party>/metrics.json"));
        }
        return 0;
    }

    private string PartyDirectory(int party) => Path.Combine(_outRoot, _cluster.Parties[party].Name);

    /// <summary>The plaintext references on the pooled data: the same algorithm, and Newton's method to convergence.</summary>
    private sealed record References(double[] PlaintextWeights, ClassificationMetrics Plaintext, ClassificationMetrics Converged)
    {
        public static References Compute(PartyTable[] tables, DataPartition partition, TrainLrSettings settings)
        {
            var (train, test) = PooledData.Combine(tables, partition, settings.LoadOptions());
            var (plain, _) = PlaintextLogisticRegression.Train(train, settings.TrainingOptions());
            var converged = NewtonLogisticRegression.Train(train, settings.L2);
            return new References(plain, Evaluate(plain, test), Evaluate(converged, test));
        }

        // Exact logistic probabilities of the model on the test rows, as the secure evaluation computes them.
        private static ClassificationMetrics Evaluate(double[] weights, PlainDataset test) =>
            ClassificationMetrics.Of(Enumerable.Range(0, test.Rows)
                .Select(i => ModelFile.Logistic(PlaintextLogisticRegression.Dot(test.Row(i), weights))).ToArray(), test.Labels);
    }

    /// <summary>The same multiclass algorithm on the pooled data in double precision, and its test metrics.</summary>
    private sealed record MulticlassReference(double[] Weights, MulticlassMetrics Plaintext)
    {
        public static MulticlassReference Compute(PartyTable[] tables, DataPartition partition, TrainLrSettings settings)
        {
            int[] classes = settings.Classes
                ?? [.. tables.Where(t => t.Labels is not null).SelectMany(t => t.Labels!).Distinct().Order().Select(v => (int)v)];
            var (train, test) = PooledData.Combine(tables, partition, settings.LoadOptions() with { Classes = classes });
            var options = settings.TrainingOptions();
            var (weights, _) = PlaintextLogisticRegression.Train(train, options);
            int k = classes.Length;
            var scores = Enumerable.Range(0, test.Rows).SelectMany(i => PlaintextLogisticRegression.Scores(test, i, weights)).ToArray();
            int[] truth = [.. Enumerable.Range(0, test.Rows).Select(i => Array.IndexOf(test.Labels, 1.0, i * k, k) - i * k)];
            return new MulticlassReference(weights,
                MulticlassMetrics.Of(classes, MulticlassEvaluation.Probabilities(scores, k, options.Multiclass), truth));
        }
    }
}
