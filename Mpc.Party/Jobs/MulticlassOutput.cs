using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Mpc.Core.Arithmetic;
using Mpc.Ml.Data;
using Mpc.Ml.Metrics;
using Mpc.Ml.Training;
using Mpc.Net;
using Mpc.Party.Output;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Party.Jobs;

/// <summary>
/// What <c>train-lr --multiclass</c> writes once the K-class model is trained: the pooled test metrics (accuracy,
/// log-loss, the confusion matrix of counts, per-class precision and recall), model.json (one weight row per class),
/// metrics.json and the loss curve.
/// </summary>
internal sealed class MulticlassOutput(JobContext context, TrainLrSettings settings, PartyTable table, string outDirectory,
    string dataFile)
{
    private const string LossMeasure = "mean squared residual of the predicted probabilities";

    public async Task<int> WriteAsync<T>(FixedPointArithmetic<T> fixedPoint, SecureTrainingData<T> data, TrainingResult<T> result,
        DataPartition partition, DataLoadOptions loadOptions, IReadOnlyList<(string Name, string Value)> publicSettings,
        NetworkStatsSnapshot afterTraining, NetworkStatsSnapshot before, Stopwatch job, CancellationToken ct)
        where T : unmanaged, IRing<T>
    {
        var classes = loadOptions.Classes!;
        int k = classes.Count, d = data.Train.Columns - 1, me = context.Party.PartyId;
        var metrics = await MulticlassEvaluation.EvaluateAsync(fixedPoint, data, result.SharedWeights, settings.MulticlassMode, table,
            partition, loadOptions, ct);
        var end = context.Network.Stats.Snapshot();
        var weights = result.Weights;
        var model = weights is null ? null : new MulticlassModelFile
        {
            Label = table.LabelName,
            Multiclass = settings.Multiclass,
            Classes = [.. classes],
            Features = [.. data.ColumnNames.Take(d)],
            Weights = [.. Enumerable.Range(0, k)
                .Select(c => (IReadOnlyList<double>)[.. Enumerable.Range(0, d).Select(j => weights[j * k + c])])],
            Biases = [.. Enumerable.Range(0, k).Select(c => weights[d * k + c])],
            Standardisation = TrainLrJob.Standardisation(data, me),
            Settings = publicSettings.ToDictionary(s => s.Name, s => s.Value),
            Cluster = context.Party.Cluster.SessionId,
            Party = me,
        };
        int epochs = settings.Epochs;
        double trainSeconds = result.TrainingTime.TotalSeconds;
        long trainRounds = afterTraining.Rounds - before.Rounds;
        var precision = metrics.Precision;
        var recall = metrics.Recall;
        var metricsJson = new JsonObject
        {
            ["accuracy"] = metrics.Accuracy,
            ["log_loss"] = metrics.LogLoss,
            ["multiclass"] = settings.Multiclass,
            ["classes"] = new JsonArray([.. classes.Select(c => (JsonNode)c)]),
            ["confusion"] = new JsonArray([.. Enumerable.Range(0, k).Select(t =>
                (JsonNode)new JsonArray([.. Enumerable.Range(0, k).Select(p => (JsonNode)metrics.Confusion[t * k + p])]))]),
            ["precision"] = new JsonArray([.. precision.Select(v => (JsonNode?)(double.IsFinite(v) ? v : null))]),
            ["recall"] = new JsonArray([.. recall.Select(v => (JsonNode?)(double.IsFinite(v) ? v : null))]),
            ["epochs"] = epochs,
            ["train_seconds"] = Math.Round(trainSeconds, 6),
            ["seconds_per_epoch"] = Math.Round(trainSeconds / epochs, 6),
            ["bytes_sent"] = end.TotalBytesSent,
            ["rounds"] = end.Rounds,
            ["train_bytes_sent"] = afterTraining.TotalBytesSent - before.TotalBytesSent,
            ["train_rounds"] = trainRounds,
            ["rounds_per_epoch"] = Math.Round((double)trainRounds / epochs, 6),
            ["suite"] = fixedPoint.Suite.Name,
            ["partition"] = partition.Kind == Partitioning.Vertical ? "vertical" : "horizontal",
            ["parties"] = fixedPoint.Suite.Session.PartyCount,
            ["party"] = me,
            ["learning_rate"] = settings.LearningRate,
            ["batch_size"] = settings.BatchSize,
            ["l2"] = settings.L2,
            ["feature_bound"] = data.FeatureBound,
            ["train_rows"] = data.Train.Rows,
            ["test_rows"] = data.Test.Rows,
            ["features"] = d,
            ["job_seconds"] = Math.Round(job.Elapsed.TotalSeconds, 6),
            ["peak_working_set_bytes"] = System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64,
            ["loss_kind"] = LossMeasure + ", pooled training rows",
            ["losses"] = new JsonArray([.. result.Losses.Select(l => (JsonNode)new JsonObject { ["epoch"] = l.Epoch, ["loss"] = l.Loss })]),
        };

        Directory.CreateDirectory(outDirectory);
        if (model is not null)
        {
            AtomicFile.WriteAllText(Path.Combine(outDirectory, "model.json"), model.ToJson());
            TrainLrJob.WriteOnnx(context.Out, outDirectory, model.ToOnnx());
        }
        AtomicFile.WriteAllText(Path.Combine(outDirectory, "metrics.json"), metricsJson.ToJsonString(ModelFile.Json) + "\n");
        string runTitle = $"{fixedPoint.Suite.Name}, {metricsJson["partition"]}, {metricsJson["parties"]} parties, " +
            $"this party's data {Path.GetFileName(dataFile)}";
        if (Chart.Loss(result.Losses, LossMeasure, runTitle).Write(outDirectory, "loss") is { } missing)
            context.Out.WriteLine($"train-lr: {missing}");

        var output = context.Out;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train-lr: test accuracy {metrics.Accuracy:0.0000}, log-loss {metrics.LogLoss:0.0000} over {metrics.Rows} rows; " +
            $"{epochs} epochs in {trainSeconds:0.000} s ({1000 * trainSeconds / epochs:0.00} ms and " +
            $"{(double)trainRounds / epochs:0.#} rounds per epoch)"));
        output.WriteLine("train-lr: confusion matrix (rows: true class, columns: predicted), precision and recall per class");
        output.WriteLine($"train-lr: {"",6} {string.Join(" ", classes.Select(c => $"{c,5}"))} {"prec",7} {"recall",7}");
        for (int t = 0; t < k; t++)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"train-lr: {classes[t],6} {string.Join(" ", Enumerable.Range(0, k).Select(p => $"{metrics.Confusion[t * k + p],5}"))} " +
                $"{precision[t],7:0.000} {recall[t],7:0.000}"));
        output.WriteLine(
            $"train-lr: wrote {(model is null ? "" : "model.json, model.onnx, ")}{Path.Combine(outDirectory, "metrics.json")}, " +
            "loss.png and .svg");
        return 0;
    }
}
