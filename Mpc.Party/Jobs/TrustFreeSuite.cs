using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.Preprocessing;
using Mpc.Protocols.Replicated;
using Mpc.Protocols.Shamir;

namespace Mpc.Party.Jobs;

/// <summary>Work written once for any suite, run on the one <see cref="TrustFreeSuite"/> picks.</summary>
internal interface ISuiteWork<TResult>
{
    Task<TResult> RunAsync<T>(IArithmeticSuite<T> suite) where T : unmanaged, IRing<T>;
}

/// <summary>
/// The suite that trusts no one for N parties, for jobs without suite options: replicated sharing for 3, Shamir for 4
/// or more, and for 2 the additive suite on the OT source.
/// </summary>
internal static class TrustFreeSuite
{
    public static async Task<TResult> RunAsync<TResult>(Session session, ISuiteWork<TResult> work)
    {
        switch (session.PartyCount)
        {
            case 3:
                return await work.RunAsync(new ReplicatedSuite(session));
            case >= 4:
                return await work.RunAsync(new ShamirSuite<Mersenne127>(session));
            default:
                using (var ot = new OtPreprocessing(session)) return await work.RunAsync(new AdditiveSuite(session, ot));
        }
    }
}
