using System.CommandLine;
using Mpc.Net.Configuration;
using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.Malicious;
using Mpc.Protocols.Preprocessing;
using Mpc.Protocols.Replicated;
using Mpc.Protocols.Shamir;

namespace Mpc.Party.Jobs;

/// <summary>
/// The options every protocol job shares (--suite, --preprocessing, --comparison, --threshold, --truncation) and the
/// suites they build.
/// </summary>
internal static class SuiteOptions
{
    public static IEnumerable<Option> Create() =>
    [
        SuiteOption(),
        PreprocessingOption(),
        SoftSpokenOption(),
        new Option<string>("--comparison")
        {
            Description = "Comparisons in the additive suite: auto (garbled for 2 parties, else bits; train-lr on the ot source: " +
                "bits, with its offline phase in bulk), bits " +
                "(bit decomposition on shares, any N) or garbled (a garbled circuit, 2 parties only).",
            DefaultValueFactory = _ => "auto",
        }.AcceptOnlyFromAmong("auto", "bits", "garbled"),
        new Option<int?>("--threshold") { Description = "Shamir threshold t (default: the largest t < N/2)." },
        TruncationOption(),
        SecurityOption(),
    ];

    /// <summary>The values --security accepts.</summary>
    public static readonly string[] SecurityNames = ["semi-honest", "malicious"];

    /// <summary>--security: what the parties are trusted to do.</summary>
    public static Option<string> SecurityOption() =>
        new Option<string>("--security")
        {
            Description = "semi-honest (every party follows the protocol; the fast default) or malicious (active security " +
                "with abort, honest majority, in the Shamir suite: a party that deviates in any message is caught and the run " +
                "stops before any output; products cost about twice, truncations and comparisons far more).",
            DefaultValueFactory = _ => "semi-honest",
        }.AcceptOnlyFromAmong(SecurityNames);

    /// <summary>Whether this job runs with --security malicious.</summary>
    public static bool Malicious(JobContext context) => context.GetOption<string>("--security") == "malicious";

    /// <summary>
    /// The suite --security malicious runs in: --suite auto picks Shamir (for any N &gt;= 3); another suite is refused by name.
    /// </summary>
    public static string MaliciousSuite(string? suite, int parties)
    {
        if (suite is not (null or "auto" or "shamir"))
            throw new ArgumentException($"--security malicious runs in the shamir suite (honest majority, N >= 3); the {suite} suite " +
                "is semi-honest only. Use --suite shamir (or auto), or --security semi-honest.");
        if (parties < 3)
            throw new ArgumentException(
                $"--security malicious needs an honest majority, so at least 3 parties; this cluster has {parties}.");
        return "shamir";
    }

    /// <summary>Refuses --security malicious for a job that needs what the actively secure suite lacks, naming both.</summary>
    public static void RequireSemiHonest(string security, string job)
    {
        if (security == "malicious")
            throw new ArgumentException($"--security malicious is not available for {job} yet: it needs truncation and " +
                "comparisons, which the actively secure suite does not have yet. Use --security semi-honest.");
    }

    /// <summary>The actively secure Shamir suite (two set-up rounds: keys and the MAC key).</summary>
    public static ValueTask<MaliciousShamirSuite<Mersenne127>> MaliciousShamir(Session session, JobContext context,
        CancellationToken ct) =>
        MaliciousShamirSuite<Mersenne127>.CreateAsync(session, context.GetOption<int?>("--threshold"), ct);

    /// <summary>--truncation: how the replicated suite truncates.</summary>
    public static Option<string> TruncationOption() =>
        new Option<string>("--truncation")
        {
            Description = "Truncation in the replicated suite: auto (two-round), two-round (a helper masks the value; least computation, " +
                "the faster on one machine or a LAN) or one-round (masks made ahead in batches; the faster where round trips are long).",
            DefaultValueFactory = _ => "auto",
        }.AcceptOnlyFromAmong(TruncationNames);

    /// <summary>The values --truncation accepts.</summary>
    public static readonly string[] TruncationNames = ["auto", "two-round", "one-round"];

    /// <summary>
    /// --truncation resolved for <paramref name="suite"/>: "two-round" or "one-round" for the replicated suite, "n/a"
    /// for the others, which have one way to truncate (a value asked of them is kept, for <see cref="CheckTruncation"/>).
    /// </summary>
    public static string Truncation(string suite, string? truncation) => (suite, truncation) switch
    {
        ("replicated", null or "auto") => "two-round",
        (_, null or "auto") => "n/a",
        _ => truncation,
    };

    /// <summary>Refuses a --truncation asked of a suite other than the replicated one, naming the option.</summary>
    public static void CheckTruncation(string suite, string truncation)
    {
        if (suite != "replicated" && truncation != "n/a")
            throw new ArgumentException(
                $"--truncation {truncation} applies to --suite replicated; the {suite} suite has one way to truncate.");
    }

    /// <summary>--truncation for this job's suite (see <see cref="Truncation(string, string?)"/>), checked.</summary>
    public static string Truncation(JobContext context)
    {
        string suite = Suite(context), truncation = Truncation(suite, context.GetOption<string>("--truncation"));
        CheckTruncation(suite, truncation);
        return truncation;
    }

    /// <summary>The suites --suite accepts.</summary>
    public static readonly string[] SuiteNames = ["auto", "additive", "shamir", "replicated"];

    /// <summary>--suite: which secret sharing computes.</summary>
    public static Option<string> SuiteOption() =>
        new Option<string>("--suite")
        {
            Description = "auto (the trust-free default: replicated for 3 parties, shamir for 4 or more, " +
                "additive on the ot source for 2), additive (Z_2^64, Beaver, any N), shamir (2^127-1, t < N/2) or replicated (Z_2^64, " +
                "2-out-of-3, exactly 3 parties).",
            DefaultValueFactory = _ => "auto",
        }.AcceptOnlyFromAmong(SuiteNames);

    /// <summary>--preprocessing: where the additive suite's triples and masks come from.</summary>
    public static Option<string> PreprocessingOption() =>
        new Option<string>("--preprocessing")
        {
            Description = "Triples for the additive suite: ot (the default; no trusted party: Gilboa products over OT extension) " +
                "or dealer (the cluster's dealer entry, a process with no data, deals every triple; " +
                "it must be trusted not to collude with any party; fast).",
            DefaultValueFactory = _ => "auto",
        }.AcceptOnlyFromAmong("auto", "ot", "dealer");

    /// <summary>--softspoken-k: the OT extension's bits per group for the ot source (1 is IKNP).</summary>
    public static Option<int> SoftSpokenOption() =>
        new Option<int>("--softspoken-k")
        {
            Description =
                "OT extension for --preprocessing ot: SoftSpoken with k bits per group (1 is IKNP; 2, 4, 8 send 16/k bytes per OT).",
            DefaultValueFactory = _ => OtPreprocessing.DefaultSoftSpokenBits,
        };

    /// <summary>What this job's --suite, --preprocessing and --comparison resolve to on its cluster.</summary>
    public static SuiteChoice Choice(JobContext context) => Malicious(context)
        ? new SuiteChoice(MaliciousSuite(context.GetOption<string>("--suite"), context.Party.Cluster.ComputingPartyCount), "n/a", "n/a")
        : SuiteChoice.Resolve(context.GetOption<string>("--suite"), context.GetOption<string>("--preprocessing"),
            context.GetOption<string>("--comparison"), context.Party.Cluster.ComputingPartyCount);

    public static string Suite(JobContext context) => Choice(context).Suite;

    public static IAdditivePreprocessing Preprocessing(Session session, JobContext context) =>
        Preprocessing(session, context, SuiteChoice.ResolvePreprocessing(context.GetOption<string>("--preprocessing")));

    /// <summary>
    /// The additive suite's source <paramref name="source"/>. The dealer source needs the cluster's dealer entry (a
    /// computing party is never the dealer) and prints its trust line first.
    /// </summary>
    public static IAdditivePreprocessing Preprocessing(Session session, JobContext context, string source)
    {
        if (source != "dealer") return Preprocessing(session, source, SoftSpokenBits(context));
        if (context.Dealer is not { } link || context.Party.Cluster.Dealer is not { } dealer)
            throw new ConfigException(context.Party.Cluster.SourceFile ?? "(cluster)", "parties",
                "--preprocessing dealer needs a dealer: a member with \"role\": \"dealer\" listed last, " +
                "which holds no data and computes nothing (see party-configs/local-3-dealer.json); no computing party deals. " +
                "Without one, use --preprocessing ot, which trusts no one");
        context.Out.WriteLine(DealerTrust(dealer.Name));
        return new DealerPreprocessing(session, link);
    }

    /// <summary>Who the dealer source asks every party to trust, and with what: printed by every run that uses it.</summary>
    public static string DealerTrust(string dealerName) =>
        $"trust: --preprocessing dealer: the dealer ({dealerName}) holds no data and receives no online value, " +
        "but it deals every triple and mask, so with any one party's view it could read every party's inputs; " +
        "use it only if every party trusts the dealer not to collude with any party (--preprocessing ot trusts no one)";

    /// <summary>--softspoken-k (every job with --preprocessing has it).</summary>
    public static int SoftSpokenBits(JobContext context) => context.GetOption<int>("--softspoken-k");

    /// <summary>
    /// The OT-based source (the dealer source needs the job's dealer link:
    /// <see cref="Preprocessing(Session, JobContext, string)"/>).
    /// </summary>
    public static IAdditivePreprocessing Preprocessing(Session session, string source,
        int softSpokenBits = OtPreprocessing.DefaultSoftSpokenBits) => source switch
    {
        "ot" => new OtPreprocessing(session, softSpokenBits),
        _ => throw new ArgumentException($"Unknown preprocessing source '{source}' here (ot; the dealer needs the job's dealer link)."),
    };

    public static AdditiveSuite Additive(Session session, IAdditivePreprocessing preprocessing, JobContext context) =>
        Additive(session, preprocessing, Choice(context).Comparison);

    /// <summary>The additive suite with comparisons by <paramref name="comparison"/> (bits or garbled).</summary>
    public static AdditiveSuite Additive(Session session, IAdditivePreprocessing preprocessing, string comparison) =>
        new(session, preprocessing, comparison: comparison switch
        {
            "bits" => ComparisonMethod.BitDecomposition,
            "garbled" => ComparisonMethod.GarbledCircuit,
            var other => throw new ArgumentException($"Unknown comparison method '{other}' (bits or garbled)."),
        });

    public static ShamirSuite<Mersenne127> Shamir(Session session, JobContext context) =>
        new(session, context.GetOption<int?>("--threshold"));

    /// <summary>
    /// The replicated suite truncating as <paramref name="truncation"/> says (two-round or one-round), refusing a
    /// cluster of other than three parties by name.
    /// </summary>
    public static ReplicatedSuite Replicated(Session session, string truncation) => session.PartyCount == 3
        ? new ReplicatedSuite(session, truncation == "one-round" ? ReplicatedTruncation.OneRound : ReplicatedTruncation.TwoRounds)
        : throw new ArgumentException($"--suite replicated needs exactly three parties; this cluster has {session.PartyCount} " +
            "(use --suite shamir for more, --suite additive for two).");
}
