using System.Runtime.CompilerServices;
using Mpc.Net;
using Mpc.Protocols;
using Mpc.Protocols.Preprocessing;

namespace Mpc.Tests.Protocols.Harness;

/// <summary>
/// Runs N computing parties and an external dealer (the mesh's last member) in this process over the in-memory
/// transport: the dealer serves until party 0 finishes; each computing party computes in a session over the view
/// without the dealer, with its link to the dealer at hand (<see cref="LinkOf"/>).
/// </summary>
public static class DealerParties
{
    private static readonly ConditionalWeakTable<Session, DealerLink> Links = new();

    /// <summary>What a run gave: every computing party's result and what the dealer served.</summary>
    public sealed record Outcome<TResult>(TResult[] Results, DealerReport Report);

    /// <summary>The link to the dealer of a session this harness made.</summary>
    public static DealerLink LinkOf(Session session) =>
        Links.TryGetValue(session, out var link)
            ? link
            : throw new InvalidOperationException("This session has no dealer: run it with DealerParties.");

    /// <summary>Runs <paramref name="party"/> at <paramref name="parties"/> computing parties beside a dealer.</summary>
    public static Task<Outcome<TResult>> RunAsync<TResult>(int parties, Func<Session, Task<TResult>> party, int seed = 0) =>
        RunAsync(InMemoryNetwork.CreateCluster(parties + 1, TimeSpan.FromSeconds(30)), party, id => LocalParties.PrivateSeed(seed, id));

    /// <summary>Synchronous form for FsCheck properties: the computing parties' results.</summary>
    public static TResult[] Run<TResult>(int parties, Func<Session, Task<TResult>> party, int seed = 0) =>
        RunAsync(parties, party, seed).GetAwaiter().GetResult().Results;

    /// <summary>
    /// Runs over the given mesh (the dealer last; e.g. with decorated networks), each computing party's private seed
    /// chosen by <paramref name="privateSeed"/>. A party that fails aborts the mesh, so the dealer stops too.
    /// </summary>
    public static async Task<Outcome<TResult>> RunAsync<TResult>(IPartyNetwork[] mesh, Func<Session, Task<TResult>> party,
        Func<int, byte[]> privateSeed, TimeSpan? keepAliveEvery = null)
    {
        int parties = mesh.Length - 1;
        try
        {
            var dealer = Task.Run(() => DealerService.ServeAsync(mesh[parties]));
            var computing = Enumerable.Range(0, parties).Select(id => Task.Run(async () =>
            {
                try
                {
                    // The seed with the dealer follows from the party's private seed, so a run is reproducible.
                    var dealerSeed = System.Security.Cryptography.SHA256.HashData([.. privateSeed(id), .. "dealer"u8])[..16];
                    await using var link = await DealerLink.ConnectAsync(mesh[id], parties, keepAliveEvery ?? TimeSpan.FromSeconds(10),
                        dealerSeed);
                    using var session = await Session.EstablishAsync(new FirstPartiesNetwork(mesh[id], parties), privateSeed(id));
                    Links.Add(session, link);
                    var result = await party(session);
                    await link.FinishAsync();
                    return result;
                }
                catch (Exception ex) when (ex is not PeerException)
                {
                    await mesh[id].AbortAsync($"party {id} failed in a test");
                    throw;
                }
            })).ToArray();
            var results = await Task.WhenAll(computing);
            return new Outcome<TResult>(results, await dealer);
        }
        finally
        {
            foreach (var network in mesh) await network.DisposeAsync();
        }
    }
}
