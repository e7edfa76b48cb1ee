using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Runtime;
using System.Text.Json.Nodes;
using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Ml.Data;
using Mpc.Ml.Metrics;
using Mpc.Ml.Training;
using Mpc.Net;
using Mpc.Party.Checkpoints;
using Mpc.Party.Output;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.Preprocessing;
using Mpc.Protocols.Diagnostics;
using Mpc.Protocols.FixedPoint;

namespace Mpc.Party.Jobs;

/// <summary>
/// <c>train-lr</c>: secure logistic regression on every party's CSV file (its config's <c>data</c> section, see
/// <see cref="TrainingDataConfig"/>). Each party splits its rows into train and test with the public seed, the parties
/// train together (<see cref="LogisticRegressionTrainer{T}"/>), the model is revealed to every party, and each writes
/// model.json, metrics.json and loss.png atomically into its output folder.
/// </summary>
public sealed class TrainLrJob : IJob, ILaunchHooks, ICheckedBeforeConnecting
{
    /// <inheritdoc />
    public string Name => "train-lr";

    /// <inheritdoc />
    public string Description => "Train a logistic regression on every party's CSV file; write model.json, metrics.json and loss.png.";

    /// <inheritdoc />
    public IReadOnlyList<Option> CreateOptions() => [.. SuiteOptions.Create(), .. TrainLrSettings.CreateOptions()];

    /// <inheritdoc />
    public Task<int> RunAsync(JobContext context, CancellationToken ct) => RunAsync(context, offlineOnly: false, ct);

    /// <summary>
    /// The job, or with <paramref name="offlineOnly"/> its offline phase alone into the party's store (<c>mpc preprocess</c>).
    /// </summary>
    internal async Task<int> RunAsync(JobContext context, bool offlineOnly, CancellationToken ct)
    {
        var settings = TrainLrSettings.From(context.ParseResult).For(context.Party.Cluster.ComputingPartyCount);
        if (offlineOnly) settings = settings with { OfflineOnly = true };
        settings.Validate();
        if (settings.ComparePlaintext)
            context.Out.WriteLine(
                "train-lr: --compare-plaintext is for mpc launch (the launcher reads every party's file); this party ignores it");
        var party = context.Party;
        var dataConfig = TrainingDataConfig.From(party, settings.Partition, settings.Label);
        if (settings.IsMulticlass) dataConfig = dataConfig with { Columns = dataConfig.Columns with { ClassLabel = true } };
        PartyTable table;
        try
        {
            table = CsvTableReader.Read(dataConfig.File, dataConfig.Columns);
        }
        catch (DataException ex)
        {
            throw ex.WithParty(party.PartyId);
        }
        string outDirectory = settings.OutDirectory ?? Path.Combine(
            RunFolders.CreateRun(SessionFolder(party.Cluster.SessionId), JobName(offlineOnly), DateTime.Now), party.Me.Name);
        var store = settings.Checkpointing
            ? new CheckpointStore(Path.Combine(CheckpointRoot(settings, party.Cluster.SessionId), $"party-{party.PartyId}"),
                settings.KeepCheckpoints)
            : null;
        if (store is not null && !settings.Resume && store.Epochs() is { Length: > 0 } existing)
            throw new CheckpointException(
                $"{store.Directory} already holds checkpoints (epochs {string.Join(", ", existing)}): resume them with --resume, " +
                "or remove them or choose another --checkpoint-dir to start afresh.");

        bool privateIntersection = IntersectionOption.IsPrivate(settings.Intersection, dataConfig.Partition);
        using var session = await Session.EstablishAsync(context.Network, ct: ct);
        // A private intersection aligns inside the loader, where the common rows stay secret.
        if (!privateIntersection) table = await dataConfig.AlignAsync(session, table, context.Out, Name, ct);
        // With checkpoints the ot source is replaced at every phase, so its OT extensions are keyed like the rest.
        using var restartable = settings.Checkpointing && settings.Suite == "additive" && settings.Preprocessing == "ot"
            ? new RestartablePreprocessing(() => SuiteOptions.Preprocessing(session, "ot", SuiteOptions.SoftSpokenBits(context)))
            : null;
        var run = new Run(context, settings, dataConfig, table, outDirectory, store, restartable);
        return settings.Suite switch
        {
            _ when settings.Security == "malicious" =>
                await run.TrainAsync(await SuiteOptions.MaliciousShamir(session, context, ct), ct),
            "shamir" => await run.TrainAsync(SuiteOptions.Shamir(session, context), ct),
            "replicated" => await run.TrainAsync(SuiteOptions.Replicated(session, settings.Truncation), ct),
            _ => await run.TrainAsync(SuiteOptions.Additive(session, AdditiveSource(session, context, settings, restartable),
                settings.Comparison), ct),
        };
    }

    /// <summary>
    /// The additive suite's source: restartable with checkpoints; with <c>--offline bulk</c>, one that serves a plan made
    /// before training (<see cref="PlannedPreprocessing"/>).
    /// </summary>
    private static IAdditivePreprocessing AdditiveSource(Session session, JobContext context, TrainLrSettings settings,
        RestartablePreprocessing? restartable)
    {
        if (restartable is not null) return restartable;
        var source = SuiteOptions.Preprocessing(session, context, settings.Preprocessing);
        return settings.BulkOffline ? new PlannedPreprocessing(source) : source;
    }

    /// <inheritdoc />
    public ILaunchPlan Plan(ParseResult parse, Mpc.Net.Configuration.ClusterConfig cluster,
        IReadOnlyList<Mpc.Net.Configuration.PartyConfig> parties, TextWriter stdout) =>
        TrainLrLaunch.Create(parse, cluster, parties, stdout);

    /// <inheritdoc />
    public void CheckBeforeConnecting(ParseResult parse, Mpc.Net.Configuration.PartyConfig party)
    {
        var settings = TrainLrSettings.From(parse);
        if (settings.OutDirectory is { } folder) RunFolders.RefuseEarlierResults(folder, settings.Force, settings.Resume);
    }

    /// <summary>
    /// model.onnx beside model.json, or (vertical, where this party knows only its own columns' standardisation) a
    /// line saying how to make it from every party's model.json.
    /// </summary>
    internal static void WriteOnnx(TextWriter output, string folder, byte[]? onnx)
    {
        if (onnx is null)
        {
            output.WriteLine("train-lr: no model.onnx here (this party knows only its own columns' standardisation): " +
                "mpc export-onnx --model <every party's model.json> --out model.onnx makes it");
            return;
        }
        AtomicFile.Write(Path.Combine(folder, "model.onnx"), stream => stream.Write(onnx));
    }

    /// <summary>out/&lt;cluster&gt;, relative to the working folder: each run's folder is made in it.</summary>
    internal static string SessionFolder(string sessionId) => Path.Combine("out", sessionId);

    /// <summary>The name a run's folder starts with: the job, train-lr or its offline phase alone (preprocess).</summary>
    internal static string JobName(bool offlineOnly) => offlineOnly ? "preprocess" : "train-lr";

    /// <summary>
    /// Where checkpoints go: --checkpoint-dir; else &lt;out&gt;/checkpoints when --out is given; else
    /// out/&lt;cluster&gt;/checkpoints, the same for every run, so that --resume finds them from a later run's folder.
    /// </summary>
    internal static string CheckpointRoot(TrainLrSettings settings, string sessionId) =>
        settings.CheckpointDirectory
        ?? Path.Combine(settings.OutDirectory ?? SessionFolder(sessionId), "checkpoints");

    /// <summary>
    /// The standardisation a model file records: the pooled means and deviations (horizontal), or in vertical mode
    /// this party's own columns' only (the others' entries null).
    /// </summary>
    internal static ModelFile.StandardisationSection Standardisation<T>(SecureTrainingData<T> data, int me)
        where T : unmanaged, IRing<T>
    {
        var (means, deviations) = data.KnownScaling(me);
        return new ModelFile.StandardisationSection(means, deviations);
    }

    private sealed class Run(JobContext context, TrainLrSettings settings, TrainingDataConfig dataConfig, PartyTable table,
        string outDirectory, CheckpointStore? store, RestartablePreprocessing? restartable)
    {
        // What the trainer reports as its loss, which the curve plots: named in metrics.json and on the curve's axis.
        private const string LossMeasure = "mean squared residual of the approximate sigmoid";

        public async Task<int> TrainAsync<T>(IArithmeticSuite<T> baseSuite, CancellationToken ct) where T : unmanaged, IRing<T>
        {
            var job = Stopwatch.StartNew();
            var network = context.Network;
            var profile = settings.Profile ? new OperationProfile() : null;
            IArithmeticSuite<T> suite = profile is null ? baseSuite : new ProfilingSuite<T>(baseSuite, profile);
            var fixedPoint = new FixedPointArithmetic<T>(suite, new FixedPointFormat(settings.FractionalBits));
            int me = suite.Session.PartyId, parties = suite.Session.PartyCount;
            var partition = dataConfig.Partition;
            var publicSettings = settings.Public(partition, parties);
            var identity = CheckpointIdentity.Of(context.Party,
                store is null ? "" : CheckpointIdentity.HashData(dataConfig.File, dataConfig.Columns),
                settings.CheckpointSettings(partition, parties));
            var saved = settings.Resume ? TrainLrStart.ReadCheckpoints<T>(store!, identity) : [];
            // Material made ahead is read (and its file authenticated) first, so every party agrees on using the same store.
            (string Path, byte[] Id, byte[] Material)? stored = settings.OfflineFrom is { } from ? ReadStore(from) : null;
            string storeLabel = stored is { } s ? Convert.ToHexString(s.Id) : settings.OfflineOnly ? "making one" : "none";
            await SettingsAgreement.VerifyAsync(suite, [.. settings.Agreed(partition, parties), ("offline_store", storeLabel)], ct);
            var checkpoints = store is null
                ? null
                : await TrainLrStart.StartAsync(suite, baseSuite, settings, store, identity, saved, restartable, context.Out, ct);

            var loadOptions = settings.LoadOptions();
            if (settings.IsMulticlass)
            {
                var classes = settings.Classes ?? await ClassDiscovery.DiscoverAsync(suite, table, ct);
                if (classes.Length < 2)
                    throw new DataException($"the parties' labels hold {classes.Length} class{(classes.Length == 1 ? "" : "es")} " +
                        "in all: a multiclass model needs at least two.");
                loadOptions = loadOptions with { Classes = classes };
            }
            var loader = new SecureDataLoader<T>(fixedPoint);
            var data = settings.PrivateIntersection
                ? await loader.LoadPrivateAsync(table, partition, loadOptions, labelFill: 0.5, ct)
                : await loader.LoadAsync(table, partition, loadOptions, ct);
            double loadSeconds = job.Elapsed.TotalSeconds;
            if (data.Private is { } kept)
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"train-lr: rows aligned by a private intersection ({loadSeconds:0.000} s): party {partition.LabelOwner}'s " +
                    $"{kept.SetSizes[partition.LabelOwner]} ids in {kept.Bins} bins (the parties' counts: " +
                    $"{string.Join(", ", kept.SetSizes)}); which rows are common stays secret, only how many: " +
                    $"{data.Train.Members} training and {data.Test.Members} test rows"));
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"train-lr: {suite.Name}" +
                $"{(suite.Name == "additive"
                    ? $" ({settings.Preprocessing}{(settings.Comparison == "garbled" ? ", garbled comparisons" : "")}" +
                      $"{(settings.BulkOffline ? ", offline phase in bulk" : "")})"
                    : "")}" +
                $"{(settings.Truncation == "one-round" ? " (one-round truncation)" : "")}" +
                $"{(settings.Security == "malicious" ? " (malicious security)" : "")}, {parties} parties, {Describe(partition)}: " +
                $"{data.Train.Members ?? data.Train.Rows} training and {data.Test.Members ?? data.Test.Rows} test rows, " +
                $"{data.Train.Columns - 1} features; " +
                $"{settings.Epochs} epochs, " +
                $"{(settings.BatchSize is int b ? $"batches of {b}" : "full batch")}, learning rate {settings.LearningRate}, " +
                $"{(settings.IsMulticlass
                    ? $"{loadOptions.Classes!.Count} classes ({string.Join(",", loadOptions.Classes)}), " +
                      (settings.Multiclass == "softmax" ? "softmax" : $"one-vs-rest, {settings.Sigmoid().Name}")
                    : settings.Sigmoid().Name)}, feature bound {data.FeatureBound}"));

            var options = settings.TrainingOptions();
            var offline = baseSuite is AdditiveSuite { Preprocessing: PlannedPreprocessing planned }
                ? await OfflinePhase.RunAsync(baseSuite.Session, planned, fixedPoint.Format,
                    (SharedDataset<Z2k>)(object)data.Train, data.FeatureBound, options, settings.Comparison,
                    network, stored, settings.OfflineMemoryMiB * 1024L * 1024, ct)
                : null;
            if (offline is not null) context.Out.WriteLine($"train-lr: {offline.Describe()}");
            if (settings.OfflineOnly && baseSuite is AdditiveSuite { Preprocessing: PlannedPreprocessing made })
                return await SaveStoreAsync(suite, made, ct);
            var before = network.Stats.Snapshot();
            // Code compiled during training (first calls): what a warm process would not pay again.
            var jitBefore = (Time: JitInfo.GetCompilationTime(), Methods: JitInfo.GetCompiledMethodCount());
            var trainer = new LogisticRegressionTrainer<T>(fixedPoint);
            var modelOutput = settings.ModelOutput(context.Party.Cluster);
            var result = await TrainingProgressView.RunAsync(context.Out, options.Epochs,
                report => trainer.TrainAsync(data.Train, data.FeatureBound, options, modelOutput, report, ct, checkpoints)
                    .AsTask());
            int resumedFrom = checkpoints?.ResumeFrom?.EpochsCompleted ?? 0, epochsRun = settings.Epochs - resumedFrom,
                perEpoch = Math.Max(1, epochsRun);
            var afterTraining = network.Stats.Snapshot();
            var jitSeconds = (JitInfo.GetCompilationTime() - jitBefore.Time).TotalSeconds;
            long jitMethods = JitInfo.GetCompiledMethodCount() - jitBefore.Methods;
            var trainingProfile = profile?.ToString();

            if (settings.IsMulticlass)
            {
                int exit = await new MulticlassOutput(context, settings, table, outDirectory, dataConfig.File)
                    .WriteAsync(fixedPoint, data, result, partition, loadOptions, publicSettings, afterTraining, before, job, ct);
                if (result.Weights is null)
                    await SecretModel.KeepAsync(context, suite, baseSuite.Name, result, modelOutput, data, partition, loadOptions,
                        settings.Multiclass, outDirectory, ct);
                PrintProfile(trainingProfile);
                return exit;
            }
            // A private intersection's scores stay shared: accuracy only (the AUC and log-loss need the scores).
            var metrics = data.Private is null
                ? await PooledEvaluation.EvaluateAsync(fixedPoint, data, result.SharedWeights, table, partition, loadOptions, ct)
                : new ClassificationMetrics(await PrivateEvaluation.AccuracyAsync(fixedPoint, data, result.SharedWeights, ct),
                    double.NaN, double.NaN);
            var end = network.Stats.Snapshot();

            var model = result.Weights is { } weights
                ? Model(data, weights, result.SigmoidName, publicSettings)
                : null;
            long trainRounds = afterTraining.Rounds - before.Rounds;
            double trainSeconds = result.TrainingTime.TotalSeconds;
            string partitionName = partition.Kind == Partitioning.Vertical ? "vertical" : "horizontal";
            var metricsJson = new JsonObject
            {
                ["accuracy"] = Finite(metrics.Accuracy),
                ["auc"] = Finite(metrics.Auc),
                ["log_loss"] = Finite(metrics.LogLoss),
                ["intersection"] = partition.Kind == Partitioning.Vertical ? settings.Intersection : null,
                ["epochs"] = settings.Epochs,
                ["train_seconds"] = Round(trainSeconds),
                ["resumed_from_epoch"] = resumedFrom,
                ["checkpoint_every"] = settings.CheckpointEvery,
                ["seconds_per_epoch"] = Round(trainSeconds / perEpoch),
                ["bytes_sent"] = end.TotalBytesSent,
                ["rounds"] = end.Rounds,
                ["train_bytes_sent"] = afterTraining.TotalBytesSent - before.TotalBytesSent,
                ["train_rounds"] = trainRounds,
                ["offline"] = offline?.ToJson(),
                ["rounds_per_epoch"] = Round((double)trainRounds / perEpoch),
                ["train_jit_seconds"] = Round(jitSeconds),
                ["train_jit_methods"] = jitMethods,
                ["suite"] = suite.Name,
                ["security"] = settings.Security,
                ["preprocessing"] = suite.Name == "additive" ? settings.Preprocessing : null,
                ["truncation"] = suite.Name == "replicated" ? settings.Truncation : null,
                ["sigmoid"] = result.SigmoidName,
                ["partition"] = partitionName,
                ["parties"] = parties,
                ["party"] = me,
                ["learning_rate"] = settings.LearningRate,
                ["batch_size"] = settings.BatchSize,
                ["l2"] = settings.L2,
                ["seed"] = settings.Seed,
                ["train_rows"] = data.Train.Members ?? data.Train.Rows,
                ["test_rows"] = data.Test.Members ?? data.Test.Rows,
                ["bins"] = data.Private?.Bins,
                ["features"] = data.Train.Columns - 1,
                ["load_seconds"] = Round(loadSeconds),
                ["job_seconds"] = Round(job.Elapsed.TotalSeconds),
                ["peak_working_set_bytes"] = System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64,
                ["loss_kind"] = LossMeasure + ", pooled training rows",
                ["losses"] = new JsonArray(result.Losses
                    .Select(l => (JsonNode)new JsonObject { ["epoch"] = l.Epoch, ["loss"] = l.Loss })
                    .ToArray()),
            };

            Directory.CreateDirectory(outDirectory);
            byte[]? onnx = null;
            if (model is not null)
            {
                AtomicFile.WriteAllText(Path.Combine(outDirectory, "model.json"), model.ToJson());
                onnx = model.ToOnnx();
                WriteOnnx(context.Out, outDirectory, onnx);
            }
            else
            {
                await SecretModel.KeepAsync(context, suite, baseSuite.Name, result, modelOutput, data, partition, loadOptions,
                    settings.Multiclass, outDirectory, ct);
            }
            AtomicFile.WriteAllText(Path.Combine(outDirectory, "metrics.json"), metricsJson.ToJsonString(ModelFile.Json) + "\n");
            string dataSet = Path.Combine(
                Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(dataConfig.File))) ?? "", Path.GetFileName(dataConfig.File));
            string runTitle = $"{suite.Name}, {partitionName}, {parties} parties, this party's data {dataSet}";
            // A private intersection has no ROC: its scores stay secret.
            var plots = new List<(Chart Chart, string Name)> { (Chart.Loss(result.Losses, LossMeasure, runTitle), "loss") };
            if (data.Private is null) plots.Add((Chart.Roc(metrics.Roc, metrics.Auc, runTitle), "roc"));
            foreach (var (chart, name) in plots)
                if (chart.Write(outDirectory, name) is { } missing) context.Out.WriteLine($"train-lr: {missing}");

            string trained = epochsRun == 0
                ? "no epoch left to train (resumed after the last)"
                : string.Create(CultureInfo.InvariantCulture,
                    $"{epochsRun} epochs in {trainSeconds:0.000} s ({1000 * trainSeconds / epochsRun:0.00} ms and " +
                    $"{(double)trainRounds / epochsRun:0.#} rounds per epoch)");
            context.Out.WriteLine(data.Private is null
                ? string.Create(CultureInfo.InvariantCulture,
                    $"train-lr: test accuracy {metrics.Accuracy:0.0000}, AUC {metrics.Auc:0.0000}, " +
                    $"log-loss {metrics.LogLoss:0.0000}; {trained}")
                : string.Create(CultureInfo.InvariantCulture,
                    $"train-lr: test accuracy {metrics.Accuracy:0.0000} over the common test rows (no AUC or log-loss: the scores " +
                    $"stay secret); {trained}"));
            context.Out.WriteLine(
                $"train-lr: wrote {(model is null ? "" : onnx is null ? "model.json, " : "model.json, model.onnx, ")}" +
                $"{Path.Combine(outDirectory, "metrics.json")}, " +
                $"loss.png and .svg{(data.Private is null ? ", roc.png and .svg" : "")}");
            PrintProfile(trainingProfile);
            return 0;
        }

        private void PrintProfile(string? profile)
        {
            if (profile is null) return;
            foreach (var line in profile.Split('\n', StringSplitOptions.RemoveEmptyEntries)) context.Out.WriteLine($"profile: {line}");
        }

        private ModelFile Model<T>(SecureTrainingData<T> data, double[] weights, string sigmoid,
            IReadOnlyList<(string Name, string Value)> publicSettings) where T : unmanaged, IRing<T>
        {
            int d = weights.Length - 1, me = context.Party.PartyId;
            var standardisation = Standardisation(data, me);
            return new ModelFile
            {
                Label = table.LabelName,
                Features = data.ColumnNames.Take(d).ToArray(),
                Weights = weights.Take(d).ToArray(),
                Bias = weights[d],
                Standardisation = standardisation,
                Sigmoid = sigmoid,
                Settings = publicSettings.ToDictionary(s => s.Name, s => s.Value),
                Cluster = context.Party.Cluster.SessionId,
                Party = me,
            };
        }

        // The store named by --offline-from, read and authenticated; it is marked used once its plan is checked.
        private (string Path, byte[] Id, byte[] Material) ReadStore(string from)
        {
            string path = OfflineStore.Resolve(from, context.Party);
            var (id, material) = OfflineStore.Read(path, context.Party);
            return (path, id, material);
        }

        // --offline-only: the parties agree on a fresh store id (party 0 draws it), and each writes its own encrypted file.
        private async Task<int> SaveStoreAsync<T>(IArithmeticSuite<T> suite, PlannedPreprocessing made, CancellationToken ct)
            where T : unmanaged, IRing<T>
        {
            var id = await SecretModel.DrawIdAsync(suite, ct);
            string path = Path.Combine(outDirectory, OfflineStore.FileName);
            var material = made.ExportMaterial();
            OfflineStore.Write(path, context.Party, id, material);
            double mib = material.Length / (1024.0 * 1024.0), perEpoch = material.Length / (1024.0 * settings.Epochs);
            context.Out.WriteLine(FormattableString.Invariant(
                $"train-lr: offline material for {settings.Epochs} epochs saved to {path} ({mib:0.0} MiB, {perEpoch:0.0} KiB per epoch; ") +
                $"store {Convert.ToHexString(id)}); train with --offline-from, once");
            return 0;
        }

        private static string Describe(DataPartition partition) =>
            partition.Kind == Partitioning.Vertical ? $"vertical (label at party {partition.LabelOwner})" : "horizontal";

        private static double? Finite(double value) => double.IsFinite(value) ? value : null;

        private static double Round(double value) => Math.Round(value, 6);
    }
}
