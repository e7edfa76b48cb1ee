using Mpc.Net;
using Xunit;
using Mpc.Protocols;
using Mpc.Protocols.Expressions;

namespace MpcProtocol.Tests;

/// <summary>The protocol run by N parties in this process, over the in-memory transport, against its plaintext meaning.</summary>
public sealed class SalariesProgramTests
{
    private static async Task<T[]> RunPartiesAsync<T>(int parties, Func<Session, Task<T>> party)
    {
        var networks = InMemoryNetwork.CreateCluster(parties, TimeSpan.FromSeconds(30));
        var sessions = await Task.WhenAll(networks.Select(n => Session.EstablishAsync(n).AsTask()));
        try
        {
            return await Task.WhenAll(sessions.Select(s => Task.Run(() => party(s))));
        }
        finally
        {
            foreach (var session in sessions) session.Dispose();
            foreach (var network in networks) await network.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task EveryPartyLearnsTheTotalAndTheCount(int parties)
    {
        double[] salaries = [.. Enumerable.Range(0, parties).Select(i => 70_000.0 + 20_000 * i)];
        var results = await RunPartiesAsync(parties, async session =>
        {
            using var secure = SecretContext.Create(session);
            return await SalariesProgram.ComputeAsync(secure, salaries[session.PartyId], 100_000);
        });
        foreach (var (total, above) in results)
        {
            Assert.Equal(salaries.Sum(), total, 3);
            Assert.Equal(salaries.Count(s => s > 100_000), above);
        }
    }
}
