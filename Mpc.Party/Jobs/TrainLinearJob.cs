using System.CommandLine;
using System.Globalization;
using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Ml.Data;
using Mpc.Ml.Training;
using Mpc.Party.Output;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>train-linear</c>: linear or ridge regression in closed form or by gradient descent (full or mini-batch) over every
/// party's rows (horizontal data) or columns (vertical data), on the
/// suite that trusts no one for N parties (<see cref="RidgeRegression{T}"/>); the model and its pooled test R^2 and RMSE
/// are revealed, and written to the run's folder.
/// </summary>
public sealed class TrainLinearJob : IJob, ILaunchHooks
{
    /// <inheritdoc />
    public string Name => "train-linear";

    /// <inheritdoc />
    public string Description =>
        "Train a linear (ridge) regression in closed form or by gradient descent over the parties' data; reveals the model.";

    /// <inheritdoc />
    public IReadOnlyList<Option> CreateOptions() =>
    [
        new Option<double>("--lambda")
        {
            Description = "Ridge penalty on standardised features (0: least squares).", DefaultValueFactory = _ => 0.001,
        },
        new Option<double>("--test-fraction")
        {
            Description = "Share of each party's rows held out for testing.", DefaultValueFactory = _ => 0.2,
        },
        new Option<ulong>("--seed") { Description = "Seed of the train/test split.", DefaultValueFactory = _ => 1UL },
        new Option<int?>("--epochs") { Description = "Gradient descent for this many epochs instead of the closed form." },
        new Option<int?>("--batch-size") { Description = "Rows per step of --epochs (mini-batches); full batches when absent." },
        new Option<double?>("--learning-rate")
        {
            Description = "The step of --epochs (default 1 / (columns (1 + lambda)), with which full batches always converge).",
        },
        new Option<int>("--fractional-bits") { Description = "Fixed-point fractional bits.", DefaultValueFactory = _ => 16 },
        IntersectionOption.Create("only how many are common is opened"),
        new Option<string?>("--out") { Description = "Output folder (default: a new out/<cluster>/train-linear-<time>/<party>)." },
    ];

    /// <inheritdoc />
    public ILaunchPlan Plan(ParseResult parse, Mpc.Net.Configuration.ClusterConfig cluster,
        IReadOnlyList<Mpc.Net.Configuration.PartyConfig> parties, TextWriter stdout) =>
        new PerPartyOutput(Name, parse.GetValue<string?>("--out"), cluster, stdout);

    /// <inheritdoc />
    public async Task<int> RunAsync(JobContext context, CancellationToken ct)
    {
        var data = TrainingDataConfig.From(context.Party);
        int? epochs = context.GetOption<int?>("--epochs"), batch = context.GetOption<int?>("--batch-size");
        int fractionalBits = context.GetOption<int>("--fractional-bits");
        if (fractionalBits is < 4 or > 40) throw new ArgumentException("train-linear --fractional-bits must lie between 4 and 40.");
        if (batch is not null && epochs is null)
            throw new ArgumentException("train-linear --batch-size needs --epochs (the closed form takes every row at once).");
        bool privateIntersection = IntersectionOption.IsPrivate(context.GetOption<string>(IntersectionOption.Name), data.Partition);
        if (privateIntersection && batch is not null)
            throw new ArgumentException("--intersection private does not work with --batch-size (full batches only: a mini-batch's " +
                "common rows are secret).");
        var table = CsvTableReader.Read(data.File, data.Columns with { ContinuousLabel = true });
        using var session = await Session.EstablishAsync(context.Network, ct: ct);
        // A private intersection aligns inside the loader, where the common rows stay secret.
        if (!privateIntersection) table = await data.AlignAsync(session, table, context.Out, Name, ct);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var settings = new FitSettings(new FixedPointFormat(fractionalBits), epochs, context.GetOption<double?>("--learning-rate"), batch,
            p => context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"train-linear: epoch {p.Epoch}{(p.Loss is { } l ? $", mean squared residual {l:0.0000} (standardised)" : "")}, " +
                $"{p.Elapsed.TotalSeconds:0.000} s")), privateIntersection);
        var result = await TrustFreeSuite.RunAsync(session, new Fit(table, data.Partition, context.GetOption<double>("--lambda"),
            context.GetOption<double>("--test-fraction"), context.GetOption<ulong>("--seed"), settings, ct));
        double seconds = clock.Elapsed.TotalSeconds;
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train-linear: {result.TrainRows} training rows, {result.TestRows} test rows" +
            $"{(privateIntersection ? " held by every party (which ones stays secret)" : "")}; test R^2 {result.TestR2:0.0000}, " +
            $"RMSE {result.TestRmse:0.###}; {seconds:0.000} s, peak memory " +
            $"{System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024):0} MiB"));
        string folder = context.GetOption<string?>("--out") ?? Path.Combine(
            RunFolders.CreateRun(TrainLrJob.SessionFolder(context.Party.Cluster.SessionId), Name, DateTime.Now), context.Party.Me.Name);
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, "linear-model.json"), Json(result, table.LabelName, seconds));
        if (result.Means is null)
        {
            AtomicFile.Write(Path.Combine(folder, "model.onnx"),
                stream => stream.Write(OnnxExport.Regressor(result.FeatureNames, result.Weights, result.Intercept)));
        }
        context.Out.WriteLine($"train-linear: wrote {Path.Combine(folder, "linear-model.json")}" +
            (result.Means is null ? " and model.onnx" : " (vertical: this party knows its own columns' standardisation only; " +
                "mpc export-onnx --model <every party's linear-model.json> makes model.onnx)"));
        return 0;
    }

    private sealed record FitSettings(FixedPointFormat Format, int? Epochs, double? Rate, int? BatchSize,
        Action<TrainingProgress> Progress, bool PrivateIntersection);

    private sealed class Fit(PartyTable table, DataPartition partition, double lambda, double testFraction, ulong seed,
        FitSettings settings, CancellationToken ct) : ISuiteWork<LinearModelResult>
    {
        public Task<LinearModelResult> RunAsync<T>(IArithmeticSuite<T> suite) where T : unmanaged, IRing<T>
        {
            var ridge = new RidgeRegression<T>(new FixedPointArithmetic<T>(suite, settings.Format))
            {
                GradientEpochs = settings.Epochs,
                LearningRate = settings.Rate,
                BatchSize = settings.BatchSize,
                Progress = settings.Progress,
                PrivateIntersection = settings.PrivateIntersection,
            };
            return partition.Kind == Partitioning.Vertical
                ? ridge.FitVerticalAsync(table, partition, lambda, testFraction, seed, ct)
                : ridge.FitAsync(table, lambda, testFraction, seed, ct);
        }
    }

    private static string Json(LinearModelResult result, string? target, double seconds) => JsonText.Write(json =>
    {
        json.WriteStartObject();
        var model = new LinearModelFile(target ?? "", [.. result.FeatureNames], result.Weights, result.Intercept)
        {
            Standardisation = result.Means is { } means ? new([.. means], [.. result.StandardDeviations!]) : null,
        };
        model.WriteFields(json);
        json.WriteNumberOrNull("test_r2", result.TestR2);
        json.WriteNumberOrNull("test_rmse", result.TestRmse);
        json.WriteNumber("train_rows", result.TrainRows);
        json.WriteNumber("test_rows", result.TestRows);
        json.WriteNumber("seconds", seconds);
        json.WriteEndObject();
    });
}
