using System.CommandLine;
using System.Globalization;
using Mpc.Ml.Data;
using Mpc.Ml.Sigmoid;
using Mpc.Ml.Training;

namespace Mpc.Party.Jobs;

/// <summary>
/// The options of <c>train-lr</c>, parsed once: the party job and <c>mpc launch</c>'s plaintext references read the
/// same values, so the references run exactly the algorithm the parties run.
/// </summary>
internal sealed record TrainLrSettings
{
    public required int Epochs { get; init; }
    public required double LearningRate { get; init; }
    public required int? BatchSize { get; init; }
    public required string SigmoidName { get; init; }
    public required int? SigmoidDegree { get; init; }
    public required double L2 { get; init; }
    public required ulong Seed { get; init; }
    public required double TestFraction { get; init; }
    public required string? Partition { get; init; }
    public required string? OutDirectory { get; init; }
    public required bool ComparePlaintext { get; init; }
    public required int? LossEvery { get; init; }
    public required int FractionalBits { get; init; }
    public required double? FeatureBound { get; init; }
    public required bool Profile { get; init; }
    public required string Suite { get; init; }
    public required string Preprocessing { get; init; }
    public required int? Threshold { get; init; }
    public required int? CheckpointEvery { get; init; }
    public required string? CheckpointDirectory { get; init; }
    public required int KeepCheckpoints { get; init; }
    public required bool Resume { get; init; }

    /// <summary>Replace the results an earlier run left in <see cref="OutDirectory"/>.</summary>
    public bool Force { get; init; }

    /// <summary>--multiclass: "none" (a 0/1 label), "ovr" (one-vs-rest) or "softmax" (multinomial).</summary>
    public string Multiclass { get; init; } = "none";

    /// <summary>--classes: the class labels, in output order; null to discover them securely.</summary>
    public int[]? Classes { get; init; }

    /// <summary>--label: the label column, in place of the party file's data.label.</summary>
    public string? Label { get; init; }

    /// <summary>
    /// --intersection: vertical data over parties whose ids differ, "public" (the rows every party holds are found by
    /// PSI and become known to all) or "private" (they stay secret; <see cref="SecureDataLoader{T}.LoadPrivateAsync"/>).
    /// </summary>
    public string Intersection { get; init; } = "public";

    /// <summary>Whether the intersection stays secret.</summary>
    public bool PrivateIntersection => Intersection == "private";

    /// <summary>--reveal: "all", "none" (the weights stay secret-shared) or a party's id or name (only it learns them).</summary>
    public string Reveal { get; init; } = "all";

    /// <summary>Who learns the weights, with a party named by <see cref="Reveal"/> resolved in <paramref name="cluster"/>.</summary>
    public ModelOutput ModelOutput(Mpc.Net.Configuration.ClusterConfig cluster)
    {
        if (Reveal == "all") return Mpc.Ml.Training.ModelOutput.RevealToAll;
        if (Reveal == "none") return Mpc.Ml.Training.ModelOutput.KeepShared;
        for (int p = 0; p < cluster.ComputingPartyCount; p++)
            if (cluster.Parties[p].Name == Reveal || p.ToString(CultureInfo.InvariantCulture) == Reveal)
                return Mpc.Ml.Training.ModelOutput.RevealTo(p);
        throw new ArgumentException($"--reveal {Reveal}: not all, none, nor a computing party's id or name " +
            $"({string.Join(", ", cluster.Parties.Take(cluster.ComputingPartyCount).Select(p => p.Name))}).");
    }

    /// <summary>Whether the model has one output per class.</summary>
    public bool IsMulticlass => Multiclass != "none";
    public required string Comparison { get; init; }

    /// <summary>--truncation: "auto" until <see cref="For"/>, then "two-round" or "one-round" (replicated) or "n/a".</summary>
    public string Truncation { get; init; } = "auto";

    /// <summary>
    /// --security: "semi-honest" or "malicious" (the actively secure Shamir suite).
    /// </summary>
    public string Security { get; init; } = "semi-honest";

    /// <summary>
    /// --offline: "auto" until <see cref="For"/>, then "bulk" (every triple and mask made before the first epoch),
    /// "on-demand" or "n/a" (suites without preprocessing).
    /// </summary>
    public string Offline { get; init; } = "auto";

    /// <summary>--offline-only: make the offline phase, save it to the party's store, and stop.</summary>
    public bool OfflineOnly { get; init; }

    /// <summary>--offline-from: the store (file, or folder of per-party folders) whose material this run uses, once.</summary>
    public string? OfflineFrom { get; init; }

    /// <summary>--offline-memory: the most offline material held at once, in MiB (the plan is made in segments beyond it).</summary>
    public int OfflineMemoryMiB { get; init; } = 1024;

    /// <summary>Whether the additive suite's material is made in bulk before training (<see cref="Offline"/> resolved).</summary>
    public bool BulkOffline => Offline == "bulk";

    /// <summary>Whether this run saves or resumes checkpoints (and so keys its randomness per epoch).</summary>
    public bool Checkpointing => CheckpointEvery is not null || Resume;

    /// <summary>The job's options (besides the suite options).</summary>
    public static IEnumerable<Option> CreateOptions() =>
    [
        new Option<int>("--epochs") { Description = "Passes over the training rows.", DefaultValueFactory = _ => 100 },
        new Option<double>("--learning-rate") { Description = "Gradient step size.", DefaultValueFactory = _ => 1.0 },
        new Option<int?>("--batch-size") { Description = "Rows per step (default: the whole training set, full-batch gradient descent)." },
        new Option<string>("--sigmoid")
        {
            Description = "Sigmoid approximation: clipped (default: clipped Chebyshev polynomial), piecewise-linear (SecureML) " +
                "or polynomial (unclipped).",
            DefaultValueFactory = _ => "clipped",
        }.AcceptOnlyFromAmong("clipped", "clipped-polynomial", "piecewise-linear", "piecewise", "secureml", "polynomial"),
        new Option<int?>("--sigmoid-degree") { Description = "Odd degree of the polynomial sigmoids (default 5)." },
        new Option<double>("--l2") { Description = "L2 penalty on the weights (not the bias).", DefaultValueFactory = _ => 0.0 },
        new Option<ulong>("--seed")
        {
            Description = "Public seed of the train/test split and the mini-batch order (every party the same).",
            DefaultValueFactory = _ => 1UL,
        },
        new Option<double>("--test-fraction")
        {
            Description = "Share of each party's rows held out for testing.",
            DefaultValueFactory = _ => 0.2,
        },
        new Option<string?>("--partition") { Description = "horizontal or vertical, when the party file's data section does not say." }
            .AcceptOnlyFromAmong("horizontal", "vertical"),
        IntersectionOption.Create("rows outside count zero; only the counts of common rows are opened"),
        new Option<string?>("--out")
        {
            Description = "Output folder (model.json, metrics.json, loss.png); refused if it holds an earlier run's results, " +
                "unless --force or --resume. Default: a new folder per run, out/<cluster>/<job>-<time>/<party>, the newest " +
                "linked as out/<cluster>/latest; mpc launch gives each party DIR/<party>.",
        },
        new Option<bool>("--force") { Description = "Replace the results an earlier run left in --out." },
        new Option<bool>("--compare-plaintext")
        {
            Description = "mpc launch only: also train in plaintext (same algorithm, and Newton to convergence) on every party's file " +
                "and compare.",
        },
        new Option<int?>("--loss-every")
        {
            Description = "Compute the loss every this many epochs (default: about 50 points per run; 0 never).",
        },
        new Option<int>("--fractional-bits") { Description = "Fixed-point fractional bits.", DefaultValueFactory = _ => 16 },
        new Option<double?>("--feature-bound")
        {
            Description = "Largest standardised feature magnitude the range analysis assumes (checked at load); default: the " +
                "smallest power of two that holds every party's values, found securely.",
        },
        new Option<string>("--multiclass")
        {
            Description = "none (a 0/1 label), ovr (one-vs-rest: one sigmoid per class) or softmax (multinomial): K weight " +
                "columns trained in one run; the label is a class 0 to 255.",
            DefaultValueFactory = _ => "none",
        }.AcceptOnlyFromAmong("none", "ovr", "softmax"),
        new Option<int[]?>("--classes")
        {
            Description = "The class labels, comma-separated (default: the labels any party holds, found securely).",
            CustomParser = r => r.Tokens.Count == 0 ? null : [.. r.Tokens.SelectMany(t => t.Value.Split(','))
                .Where(v => v.Length > 0).Select(v => int.Parse(v, CultureInfo.InvariantCulture))],
            AllowMultipleArgumentsPerToken = true,
        },
        new Option<string?>("--label") { Description = "The label column, in place of the party file's data.label." },
        new Option<string>("--reveal")
        {
            Description = "Who learns the trained weights: all (default), none (each party keeps its shares, sealed in " +
                "model-shares.mpcshares, for launch ... predict --model-shares) or one party's id or name.",
            DefaultValueFactory = _ => "all",
        },
        new Option<bool>("--profile") { Description = "Print where training time goes: products, truncations, comparisons." },
        new Option<string>("--offline")
        {
            Description = "When the additive suite's triples and masks are made: bulk (before the first epoch, counted by a " +
                "rehearsal of the training on no data; online then needs no OT at all) or on-demand (as each operation asks). " +
                "auto: bulk on the ot source with bit comparisons and no checkpoints, else on-demand.",
            DefaultValueFactory = _ => "auto",
        }.AcceptOnlyFromAmong("auto", "bulk", "on-demand"),
        new Option<int>("--offline-memory")
        {
            Description = "The most offline material a party holds at once, in MiB: a larger plan is made in segments, the first " +
                "before training and each later one when training reaches it (a store needs the whole plan within it).",
            DefaultValueFactory = _ => 1024,
        },
        new Option<bool>("--offline-only")
        {
            Description = "Make the offline phase only (no training), into each party's encrypted store <out>/" + OfflineStore.FileName +
                ", to train later with --offline-from (mpc preprocess does this).",
        },
        new Option<string?>("--offline-from")
        {
            Description = "Train with the offline material an --offline-only run made (the store file, or the --out folder of " +
                "that mpc launch); each store is used once.",
        },
        new Option<int?>("--checkpoint-every")
        {
            Description = "Save this party's training state every K epochs (and after the last), to resume with --resume.",
        },
        new Option<string?>("--checkpoint-dir")
        {
            Description = "Folder of the checkpoints; each party uses DIR/party-<id> (default: <out>/checkpoints with --out, " +
                "else out/<cluster>/checkpoints, the same for every run).",
        },
        new Option<int>("--keep-checkpoints")
        {
            Description = "How many of the latest checkpoints to keep (at least 2; 0 keeps all).",
            DefaultValueFactory = _ => 2,
        },
        new Option<bool>("--resume")
        {
            Description = "Continue from the latest epoch of which every party holds a checkpoint (every party must be started with it).",
        },
    ];

    /// <summary>Reads every option from a parse of the job's command (party or launch).</summary>
    public static TrainLrSettings From(ParseResult parse) => new()
    {
        Epochs = parse.GetValue<int>("--epochs"),
        LearningRate = parse.GetValue<double>("--learning-rate"),
        BatchSize = parse.GetValue<int?>("--batch-size"),
        SigmoidName = parse.GetValue<string>("--sigmoid") ?? "clipped",
        SigmoidDegree = parse.GetValue<int?>("--sigmoid-degree"),
        L2 = parse.GetValue<double>("--l2"),
        Seed = parse.GetValue<ulong>("--seed"),
        TestFraction = parse.GetValue<double>("--test-fraction"),
        Partition = parse.GetValue<string?>("--partition"),
        Intersection = parse.GetValue<string>(IntersectionOption.Name) ?? "public",
        OutDirectory = parse.GetValue<string?>("--out"),
        ComparePlaintext = parse.GetValue<bool>("--compare-plaintext"),
        LossEvery = parse.GetValue<int?>("--loss-every"),
        FractionalBits = parse.GetValue<int>("--fractional-bits"),
        FeatureBound = parse.GetValue<double?>("--feature-bound"),
        Multiclass = parse.GetValue<string>("--multiclass") ?? "none",
        Classes = parse.GetValue<int[]?>("--classes") is { Length: > 0 } classes ? classes : null,
        Label = parse.GetValue<string?>("--label"),
        Reveal = parse.GetValue<string>("--reveal") ?? "all",
        Profile = parse.GetValue<bool>("--profile"),
        Suite = parse.GetValue<string>("--suite") ?? "auto",
        Preprocessing = parse.GetValue<string>("--preprocessing") ?? "auto",
        Threshold = parse.GetValue<int?>("--threshold"),
        CheckpointEvery = parse.GetValue<int?>("--checkpoint-every"),
        CheckpointDirectory = parse.GetValue<string?>("--checkpoint-dir"),
        KeepCheckpoints = parse.GetValue<int>("--keep-checkpoints"),
        Resume = parse.GetValue<bool>("--resume"),
        Force = parse.GetValue<bool>("--force"),
        Comparison = parse.GetValue<string>("--comparison") ?? "auto",
        Truncation = parse.GetValue<string>("--truncation") ?? "auto",
        Security = parse.GetValue<string>("--security") ?? "semi-honest",
        Offline = parse.GetValue<string>("--offline") ?? "auto",
        OfflineOnly = parse.GetValue<bool>("--offline-only"),
        OfflineMemoryMiB = parse.GetValue<int>("--offline-memory"),
        OfflineFrom = parse.GetValue<string?>("--offline-from"),
    };

    /// <summary>
    /// These settings with the suite, source and comparison resolved for <paramref name="parties"/> parties (see <see
    /// cref="SuiteChoice"/>).
    /// </summary>
    public TrainLrSettings For(int parties)
    {
        if (Security == "malicious")
            return this with
            {
                Suite = SuiteOptions.MaliciousSuite(Suite, parties), Preprocessing = "n/a", Comparison = "n/a", Truncation = "n/a",
                Offline = "n/a",
            };
        // With the offline phase in bulk, comparing by bits beats garbled circuits online (no OT at all) and in total.
        string comparison = Comparison == "auto" && Offline != "on-demand" && !Checkpointing
            && SuiteChoice.ResolvePreprocessing(Preprocessing) == "ot" ? "bits" : Comparison;
        var choice = SuiteChoice.Resolve(Suite, Preprocessing, comparison, parties, Checkpointing);
        // The bulk plan counts a binary model's material; a multiclass run makes its material on demand.
        bool plannable = choice.Suite == "additive" && choice.Preprocessing == "ot" && choice.Comparison == "bits" && !Checkpointing
            && !IsMulticlass;
        return this with
        {
            Suite = choice.Suite, Preprocessing = choice.Preprocessing, Comparison = choice.Comparison,
            Truncation = SuiteOptions.Truncation(choice.Suite, Truncation),
            Offline = Offline == "auto" ? plannable ? "bulk" : choice.Suite == "additive" ? "on-demand" : "n/a" : Offline,
        };
    }

    /// <summary>Refuses values no run can use, naming the option.</summary>
    public void Validate()
    {
        if (Security == "malicious" && Checkpointing)
            throw new ArgumentException("--checkpoint-every and --resume do not work with --security malicious yet: a checkpoint " +
                "would have to keep every value's MAC and the unchecked products.");
        if (Epochs < 1) throw new ArgumentException("--epochs must be at least 1.");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentException("--learning-rate must be positive.");
        if (BatchSize is < 1) throw new ArgumentException("--batch-size must be at least 1.");
        if (L2 < 0 || !double.IsFinite(L2)) throw new ArgumentException("--l2 must be 0 or positive.");
        if (TestFraction is <= 0 or >= 1 || double.IsNaN(TestFraction))
            throw new ArgumentException("--test-fraction must lie strictly between 0 and 1.");
        if (LossEvery is < 0) throw new ArgumentException("--loss-every must be 0 or positive.");
        if (FractionalBits is < 4 or > 40) throw new ArgumentException("--fractional-bits must lie between 4 and 40.");
        if (FeatureBound is { } bound && !(bound > 0)) throw new ArgumentException("--feature-bound must be positive.");
        if (Reveal == "none" && Security == "malicious")
            throw new ArgumentException("--reveal none keeps plain shares for later sessions; with --security malicious their MACs " +
                "would be tied to this session's key: reveal the model, or train semi-honest.");
        if (Reveal != "all" && ComparePlaintext)
            throw new ArgumentException("--compare-plaintext compares the revealed model: it needs --reveal all.");
        if (Classes is not null && !IsMulticlass) throw new ArgumentException("--classes needs --multiclass ovr or softmax.");
        if (Classes is { } classes && (classes.Length < 2 || classes.Distinct().Count() != classes.Length
            || classes.Any(c => c is < 0 or > CsvColumns.MaxClass)))
            throw new ArgumentException($"--classes must name at least two different classes from 0 to {CsvColumns.MaxClass}.");
        if (IsMulticlass && (BulkOffline || OfflineOnly || OfflineFrom is not null))
            throw new ArgumentException("--multiclass trains with the offline phase on demand: leave out --offline bulk, " +
                "--offline-only and --offline-from.");
        if (PrivateIntersection) ValidatePrivateIntersection();
        if (CheckpointEvery is < 1) throw new ArgumentException("--checkpoint-every must be at least 1.");
        if (KeepCheckpoints is 1 or < 0)
            throw new ArgumentException("--keep-checkpoints must be 0 (keep all) or at least 2: " +
                "a party killed mid-epoch may lack the latest checkpoint the others saved.");
        if (Resume && CheckpointEvery is null && RestartsAtCheckpoints)
            throw new ArgumentException(Suite == "replicated"
                ? "--resume with --truncation one-round needs the --checkpoint-every of the run it resumes: " +
                    "the masks made ahead are discarded at every checkpoint."
                : "--resume with --preprocessing ot needs the --checkpoint-every of the run it resumes: " +
                    "the ot source restarts at every checkpoint.");
        SuiteOptions.CheckTruncation(Suite, Truncation);
        if ((OfflineOnly || OfflineFrom is not null) && Offline != "bulk")
            throw new ArgumentException($"--offline-only and --offline-from need the offline phase in bulk (--offline bulk, the " +
                $"default on the ot source); this run's is {Offline}.");
        if (OfflineMemoryMiB < 1) throw new ArgumentException("--offline-memory must be at least 1 (MiB).");
        if (OfflineOnly && ComparePlaintext)
            throw new ArgumentException("--compare-plaintext compares a trained model; mpc preprocess (--offline-only) trains none.");
        if (OfflineOnly && OfflineFrom is not null)
            throw new ArgumentException("--offline-only makes a store and --offline-from uses one: give one of them.");
        if (Offline == "bulk" && Suite != "additive")
            throw new ArgumentException($"--offline bulk is for the additive suite's preprocessing; --suite {Suite} has none.");
        if (Offline == "bulk" && Comparison != "bits")
            throw new ArgumentException("--offline bulk needs --comparison bits: a garbled comparison's messages cannot be rehearsed " +
                "to count its material.");
        if (Offline == "bulk" && Checkpointing)
            throw new ArgumentException("--offline bulk does not work with --checkpoint-every or --resume yet: the material made " +
                "ahead would have to be saved with the checkpoint. Use --offline on-demand.");
        if (Checkpointing && Comparison != "bits")
            throw new ArgumentException("--checkpoint-every and --resume need --comparison bits: " +
                "garbled comparisons carry OT state that checkpoints do not save yet.");
    }

    // What a private intersection's training does not do (yet), by option.
    private void ValidatePrivateIntersection()
    {
        string? refused =
            IsMulticlass ? "--multiclass (one 0/1 label column only)"
            : BatchSize is not null ? "--batch-size (full batches only: a mini-batch's common rows are secret)"
            : Security == "malicious" ? "--security malicious (the intersection is semi-honest)"
            : Checkpointing ? "--checkpoint-every and --resume"
            : ComparePlaintext ? "--compare-plaintext (its reference would need the common rows in the clear)"
            : null;
        if (refused is not null) throw new ArgumentException($"--intersection private does not work with {refused}.");
    }

    /// <summary>
    /// What a checkpoint must have been written with to be resumed by this run: <see cref="Public"/>, and with the ot
    /// source or one-round truncation the checkpoint interval too (the source restarts, the masks made ahead are
    /// discarded, at every checkpoint, so both runs must restart alike).
    /// </summary>
    public IReadOnlyList<(string Name, string Value)> CheckpointSettings(DataPartition partition, int parties) =>
        RestartsAtCheckpoints
            ? [.. Public(partition, parties), ("mpc_build", Build()),
                ("checkpoint_every", CheckpointEvery?.ToString(CultureInfo.InvariantCulture) ?? "none")]
            : [.. Public(partition, parties), ("mpc_build", Build())];

    /// <summary>
    /// Whether state kept across epochs starts afresh at every checkpoint: the ot source, or the replicated suite's
    /// masks made ahead.
    /// </summary>
    private bool RestartsAtCheckpoints =>
        (Suite == "additive" && Preprocessing == "ot") || (Suite == "replicated" && Truncation == "one-round");

    // The protocol code's build (deterministic builds: the same source gives the same ids): another build could run other
    // operations on the replayed randomness.
    private static string Build() =>
        string.Join("-", new[] { typeof(Mpc.Core.MpcException), typeof(Mpc.Protocols.Session), typeof(SettingsAgreement) }
            .Select(t => t.Assembly.ManifestModule.ModuleVersionId.ToString("N")[..8]));

    /// <summary>
    /// The settings every party must agree on before training: <see cref="Public"/>, plus whether it checkpoints and
    /// resumes (a party that does runs one more exchange, so all must).
    /// </summary>
    public IReadOnlyList<(string Name, string Value)> Agreed(DataPartition partition, int parties) =>
    [
        .. Public(partition, parties),
        ("checkpoints", Checkpointing ? "keyed per epoch" : "off"),
        ("resume", Resume ? "yes" : "no"),
        ("offline", Offline),
        ("offline_memory", Offline == "bulk" ? OfflineMemoryMiB.ToString(CultureInfo.InvariantCulture) : "n/a"),
    ];

    /// <summary>The sigmoid approximation the options name.</summary>
    public ISigmoid Sigmoid() => SigmoidChoice.Parse(SigmoidName, SigmoidDegree);

    /// <summary>How the data is split and bounded.</summary>
    public DataLoadOptions LoadOptions() => new(TestFraction, Seed, FeatureBound);

    /// <summary>The trainer's multiclass mode (ignored with one label column).</summary>
    public MulticlassMode MulticlassMode => Multiclass == "softmax" ? MulticlassMode.Softmax : MulticlassMode.OneVsRest;

    /// <summary>The trainer's options.</summary>
    public LogisticRegressionOptions TrainingOptions() => new()
    {
        Epochs = Epochs,
        LearningRate = LearningRate,
        BatchSize = BatchSize,
        L2 = L2,
        Sigmoid = Sigmoid(),
        ShuffleSeed = Seed,
        LossEvery = LossEvery ?? Math.Max(1, Epochs / 50),
        Multiclass = MulticlassMode,
    };

    /// <summary>The public settings every party must share, for <see cref="SettingsAgreement"/> and model.json.</summary>
    public IReadOnlyList<(string Name, string Value)> Public(DataPartition partition, int parties) =>
    [
        ("suite", Suite),
        ("security", Security),
        ("preprocessing", Suite == "additive" ? Preprocessing : "none"),
        ("truncation", Truncation),
        ("threshold", Threshold?.ToString(CultureInfo.InvariantCulture) ?? "default"),
        ("parties", parties.ToString(CultureInfo.InvariantCulture)),
        ("partition", partition.Kind == Partitioning.Vertical ? $"vertical (label at party {partition.LabelOwner})" : "horizontal"),
        ("intersection", partition.Kind == Partitioning.Vertical ? Intersection : "n/a"),
        ("epochs", Epochs.ToString(CultureInfo.InvariantCulture)),
        ("learning_rate", LearningRate.ToString("R", CultureInfo.InvariantCulture)),
        ("batch_size", BatchSize?.ToString(CultureInfo.InvariantCulture) ?? "full"),
        ("sigmoid", Sigmoid().Name),
        ("l2", L2.ToString("R", CultureInfo.InvariantCulture)),
        ("seed", Seed.ToString(CultureInfo.InvariantCulture)),
        ("test_fraction", TestFraction.ToString("R", CultureInfo.InvariantCulture)),
        ("loss_every", TrainingOptions().LossEvery.ToString(CultureInfo.InvariantCulture)),
        ("fractional_bits", FractionalBits.ToString(CultureInfo.InvariantCulture)),
        ("feature_bound", FeatureBound?.ToString("R", CultureInfo.InvariantCulture) ?? "fitted"),
        ("multiclass", Multiclass),
        ("classes", Classes is null ? "discovered" : string.Join(",", Classes)),
        ("label", Label ?? "data.label"),
        ("reveal", Reveal),
    ];
}
