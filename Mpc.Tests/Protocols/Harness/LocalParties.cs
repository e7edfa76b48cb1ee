using Mpc.Net;
using Mpc.Protocols;

namespace Mpc.Tests.Protocols.Harness;

/// <summary>Runs N parties in this process over the in-memory transport, each in its own session.</summary>
public static class LocalParties
{
    /// <summary>Runs <paramref name="party"/> once per party, concurrently, and returns their results by party id.</summary>
    public static Task<TResult[]> RunAsync<TResult>(int partyCount, Func<Session, Task<TResult>> party, int seed = 0) =>
        RunAsync(InMemoryNetwork.CreateCluster(partyCount, TimeSpan.FromSeconds(30)), party, seed);

    /// <summary>Runs <paramref name="party"/> over the given, connected networks (e.g. decorated ones).</summary>
    public static Task<TResult[]> RunAsync<TResult>(IPartyNetwork[] networks, Func<Session, Task<TResult>> party, int seed = 0) =>
        RunAsync(networks, party, id => PrivateSeed(seed, id));

    /// <summary>
    /// Runs <paramref name="party"/> over the given, connected networks with each party's private seed chosen by
    /// <paramref name="privateSeed"/> (party id to a 16-byte seed): e.g. one party's seed fixed while the others' vary.
    /// </summary>
    public static async Task<TResult[]> RunAsync<TResult>(IPartyNetwork[] networks, Func<Session, Task<TResult>> party,
        Func<int, byte[]> privateSeed)
    {
        try
        {
            var sessions = await Task.WhenAll(networks.Select((network, id) =>
                Session.EstablishAsync(network, privateSeed(id)).AsTask()));
            try
            {
                return await Task.WhenAll(sessions.Select(s => Task.Run(() => party(s))));
            }
            finally
            {
                foreach (var s in sessions) s.Dispose();
            }
        }
        finally
        {
            foreach (var network in networks) await network.DisposeAsync();
        }
    }

    /// <summary>Synchronous form for FsCheck properties.</summary>
    public static TResult[] Run<TResult>(int partyCount, Func<Session, Task<TResult>> party, int seed = 0) =>
        RunAsync(partyCount, party, seed).GetAwaiter().GetResult();

    internal static byte[] PrivateSeed(int seed, int party)
    {
        var key = new byte[16];
        BitConverter.TryWriteBytes(key.AsSpan(0, 4), seed);
        BitConverter.TryWriteBytes(key.AsSpan(4, 4), party);
        return key;
    }
}
