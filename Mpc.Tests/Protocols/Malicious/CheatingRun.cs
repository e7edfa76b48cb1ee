using Mpc.Core.Arithmetic;
using Mpc.Net;
using Mpc.Protocols;
using Mpc.Protocols.Malicious;
using Mpc.Tests.Hostile;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols.Malicious;

/// <summary>
/// N parties in this process, one of them (<see cref="Cheater"/>) able to lie: through the suite's hooks (a wrong local
/// product, a wrong MAC, a wrong share or masked input in a message) or through a <see cref="TamperingNetwork"/> (bytes
/// that are no field element). Every party that fails aborts the mesh as <c>mpc party</c> does, naming the culprit when
/// its exception does, so the others stop at once instead of waiting for their deadline.
/// </summary>
internal sealed class CheatingRun
{
    public required int Parties { get; init; }

    public required int Cheater { get; init; }

    /// <summary>
    /// Sets the cheater's hooks on its suite (null: the cheater stays honest in the suite); a hook may read its network's
    /// <see cref="TamperingNetwork.Enabled"/>, which the program sets just before the output's opening.
    /// </summary>
    public Action<MaliciousShamirSuite<Mersenne127>, TamperingNetwork>? Hooks { get; init; }

    /// <summary>Changes the cheater's share of random values' squares (null: honest).</summary>
    public Action<Mersenne127[]>? SquareTamper { get; init; }

    /// <summary>Connects the parties (null: the in-memory transport).</summary>
    public Func<Task<IPartyNetwork[]>>? Connect { get; init; }

    /// <summary>Changes the cheater's frames while its network's tampering is enabled (null: frames pass as they are).</summary>
    public Func<int, byte[], byte[]>? FrameTamper { get; init; }

    /// <summary>What one party's run gave: the opened result, or what it threw.</summary>
    public readonly record struct Outcome(Mersenne127[]? Result, Exception? Error, TimeSpan Elapsed);

    /// <summary>
    /// Runs <paramref name="program"/> at every party with the actively secure suite (threshold as the suite's default);
    /// the program gets the cheater's tampering network (null elsewhere) to enable around the step it lies in.
    /// </summary>
    public async Task<Outcome[]> RunAsync(Func<MaliciousShamirSuite<Mersenne127>, TamperingNetwork?, Task<Mersenne127[]>> program)
    {
        var networks = Connect is null ? InMemoryNetwork.CreateCluster(Parties, TimeSpan.FromSeconds(20)) : await Connect();
        var tampering = new TamperingNetwork(networks[Cheater], FrameTamper ?? ((_, payload) => payload));
        networks[Cheater] = tampering;
        var outcomes = new Outcome[Parties];
        var run = LocalParties.RunAsync(networks, async session =>
        {
            int me = session.PartyId;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                var suite = await MaliciousShamirSuite<Mersenne127>.CreateAsync(session);
                if (me == Cheater)
                {
                    Hooks?.Invoke(suite, tampering);
                    suite.SquareTamper = SquareTamper;
                }
                outcomes[me] = new(await program(suite, me == Cheater ? tampering : null), null, clock.Elapsed);
            }
            catch (Exception ex)
            {
                outcomes[me] = new(null, ex, clock.Elapsed);
                if (ex is CheatingDetectedException { Culprit: { } culprit } && culprit != me)
                    await session.Network.AbortAsync(culprit, ex.Message);
                else if (ex is not PeerException)
                    await session.Network.AbortAsync(ex.Message);
            }
            return 0;
        });
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60)))); // nobody hangs
        await run;
        return outcomes;
    }
}
