namespace Mpc.Party.Jobs;

/// <summary>
/// The suite, preprocessing source and comparison a run uses, with "auto" (every option's default) resolved for its
/// cluster: a configuration in which no party can read another's data. Three parties: replicated sharing (honest
/// majority). Four or more: Shamir (t &lt; N/2). Two: the additive suite on the ot source, comparing by garbled circuits
/// (by bits when checkpointing, which garbled comparisons do not support). The dealer only when asked for: asking for a
/// preprocessing source (<c>--preprocessing dealer</c> or <c>ot</c>) with <c>--suite auto</c> picks the additive suite,
/// the one that has preprocessing.
/// </summary>
internal readonly record struct SuiteChoice(string Suite, string Preprocessing, string Comparison)
{
    /// <summary>Resolves the options' values (null or "auto" for the default) for <paramref name="parties"/> parties.</summary>
    public static SuiteChoice Resolve(string? suite, string? preprocessing, string? comparison, int parties, bool checkpointing = false)
    {
        string resolvedSuite = suite is null or "auto"
            ? preprocessing is null or "auto" ? DefaultSuite(parties) : "additive"
            : suite;
        string resolvedComparison = comparison is null or "auto"
            ? resolvedSuite == "additive" && parties == 2 && !checkpointing ? "garbled" : "bits"
            : comparison;
        return new SuiteChoice(resolvedSuite, ResolvePreprocessing(preprocessing), resolvedComparison);
    }

    /// <summary>The additive suite's source: ot unless the dealer is asked for.</summary>
    public static string ResolvePreprocessing(string? preprocessing) => preprocessing is null or "auto" ? "ot" : preprocessing;

    /// <summary>The trust-free suite for <paramref name="parties"/> parties.</summary>
    public static string DefaultSuite(int parties) => parties switch
    {
        3 => "replicated",
        > 3 => "shamir",
        _ => "additive",
    };
}
