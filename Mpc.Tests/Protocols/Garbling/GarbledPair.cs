using Mpc.Net;
using Mpc.Protocols;
using Mpc.Protocols.Garbling;
using Mpc.Tests.Protocols.ObliviousTransfer;

namespace Mpc.Tests.Protocols.Garbling;

/// <summary>A garbler (party 0) and an evaluator (party 1) in this process over the in-memory network, each in its own session.</summary>
internal static class GarbledPair
{
    public static IPartyNetwork[] Networks() => InMemoryNetwork.CreateCluster(2, TimeSpan.FromSeconds(30));

    /// <summary>
    /// Creates the pair (base OTs included) and runs the two bodies concurrently; a party that throws aborts its network,
    /// and the first failure is rethrown naming its party.
    /// </summary>
    public static async Task<(TG Garbler, TE Evaluator)> RunAsync<TG, TE>(Func<Garbler, Task<TG>> garbler,
        Func<Evaluator, Task<TE>> evaluator, IPartyNetwork[]? networks = null, int seed = 0)
    {
        networks ??= Networks();
        try
        {
            return await OtHarness.RunPairAsync(networks,
                async network =>
                {
                    using var session = await Session.EstablishAsync(network, Seed(seed, 0));
                    using var g = await Garbler.CreateAsync(session, evaluator: 1);
                    return await garbler(g);
                },
                async network =>
                {
                    using var session = await Session.EstablishAsync(network, Seed(seed, 1));
                    using var e = await Evaluator.CreateAsync(session, garbler: 0);
                    return await evaluator(e);
                });
        }
        finally
        {
            foreach (var n in networks) await n.DisposeAsync();
        }
    }

    /// <summary>Runs both bodies expecting failure: returns what each party threw (null if it completed).</summary>
    public static async Task<(Exception? Garbler, Exception? Evaluator)> RunFailingAsync(Func<Garbler, Task> garbler,
        Func<Evaluator, Task> evaluator)
    {
        var networks = Networks();
        try
        {
            Exception? g = null, e = null;
            var sessions = await Task.WhenAll(networks.Select((n, id) => Session.EstablishAsync(n, Seed(0, id)).AsTask()));
            var created = await Task.WhenAll(
                Task.Run(async () => (object)await Garbler.CreateAsync(sessions[0], 1)),
                Task.Run(async () => (object)await Evaluator.CreateAsync(sessions[1], 0)));
            using var gar = (Garbler)created[0];
            using var eva = (Evaluator)created[1];
            await Task.WhenAll(
                Task.Run(async () =>
                {
                    try { await garbler(gar); }
                    catch (Exception ex) { g = ex; await networks[0].AbortAsync($"test garbler failed with {ex.GetType().Name}"); }
                }),
                Task.Run(async () =>
                {
                    try { await evaluator(eva); }
                    catch (Exception ex) { e = ex; await networks[1].AbortAsync($"test evaluator failed with {ex.GetType().Name}"); }
                }));
            foreach (var s in sessions) s.Dispose();
            return (g, e);
        }
        finally
        {
            foreach (var n in networks) await n.DisposeAsync();
        }
    }

    private static byte[] Seed(int seed, int party)
    {
        var key = new byte[16];
        BitConverter.TryWriteBytes(key.AsSpan(0, 4), seed);
        BitConverter.TryWriteBytes(key.AsSpan(4, 4), party + 100);
        return key;
    }
}
