using System.CommandLine;
using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.Preprocessing;
using Mpc.Protocols.Shamir;

namespace Mpc.Party.Jobs;

/// <summary>The options every protocol job shares (--suite, --preprocessing, --threshold) and the suites they build.</summary>
internal static class SuiteOptions
{
    public static IEnumerable<Option> Create() =>
    [
        new Option<string>("--suite") { Description = "additive (Z_2^64, Beaver) or shamir (2^127-1, t < N/2).", DefaultValueFactory = _ => "additive" }
            .AcceptOnlyFromAmong("additive", "shamir"),
        new Option<string>("--preprocessing") { Description = "Triples for the additive suite: dealer (party 0 is the trusted dealer).", DefaultValueFactory = _ => "dealer" }
            .AcceptOnlyFromAmong("dealer"),
        new Option<int?>("--threshold") { Description = "Shamir threshold t (default: the largest t < N/2)." },
    ];

    public static string Suite(JobContext context) => context.GetOption<string>("--suite") ?? "additive";

    public static IAdditivePreprocessing Preprocessing(Session session) => new DealerPreprocessing(session);

    public static IAdditivePreprocessing Preprocessing(Session session, JobContext context) => new DealerPreprocessing(session);

    public static AdditiveSuite Additive(Session session, IAdditivePreprocessing preprocessing) => new(session, preprocessing);

    public static ShamirSuite<Mersenne127> Shamir(Session session, JobContext context) =>
        new(session, context.GetOption<int?>("--threshold"));
}
