using Mpc.Core.Arithmetic;
using Mpc.Protocols.Additive;
using Mpc.Protocols.Preprocessing;
using Mpc.Protocols.Replicated;
using Mpc.Protocols.Shamir;

namespace Mpc.Protocols;

/// <summary>Work written once for any suite, run on the one <see cref="TrustFreeSuite"/> picks.</summary>
public interface ISuiteWork<TResult>
{
    /// <summary>The work, on <paramref name="suite"/>.</summary>
    Task<TResult> RunAsync<T>(IArithmeticSuite<T> suite) where T : unmanaged, IRing<T>;
}

/// <summary>
/// The suite that trusts no one for N parties: replicated sharing for 3, Shamir for 4 or more, and for 2 the additive
/// suite with its material made by oblivious transfer (<see cref="Expressions.SecretContext.Create"/> picks the same).
/// </summary>
public static class TrustFreeSuite
{
    /// <summary>Runs <paramref name="work"/> on the trust-free suite for the session's parties (its OT source disposed after).</summary>
    public static async Task<TResult> RunAsync<TResult>(Session session, ISuiteWork<TResult> work)
    {
        switch (session.PartyCount)
        {
            case 3:
                return await work.RunAsync(new ReplicatedSuite(session)).ConfigureAwait(false);
            case >= 4:
                return await work.RunAsync(new ShamirSuite<Mersenne127>(session)).ConfigureAwait(false);
            default:
                using (var ot = new OtPreprocessing(session))
                    return await work.RunAsync(new AdditiveSuite(session, ot)).ConfigureAwait(false);
        }
    }
}
