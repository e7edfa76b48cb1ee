using Mpc.Net;

namespace Mpc.Tests.Infrastructure;

/// <summary>Every <see cref="IPartyNetwork"/> implementation, so contract tests run against each.</summary>
public static class NetworkKind
{
    public const string Memory = "memory";
    public const string Tcp = "tcp";
    public const string Tls = "tls";

    public static TheoryData<string> All => [Memory, Tcp, Tls];

    /// <summary>N connected parties of the given kind; dispose the returned handle to close them all.</summary>
    public static async Task<Parties> CreateAsync(string kind, int partyCount, TimeSpan receiveTimeout)
    {
        if (kind == Memory) return new Parties(InMemoryNetwork.CreateCluster(partyCount, receiveTimeout), null);
        var cluster = TestCluster.Create(partyCount, tls: kind == Tls, receiveTimeout);
        try
        {
            return new Parties(await cluster.ConnectAllAsync(), cluster);
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    public sealed class Parties(IPartyNetwork[] networks, TestCluster? cluster) : IAsyncDisposable
    {
        public IPartyNetwork this[int party] => networks[party];

        public IPartyNetwork[] All => networks;

        public int Count => networks.Length;

        public async ValueTask DisposeAsync()
        {
            await Task.WhenAll(networks.Select(n => n.DisposeAsync().AsTask()));
            cluster?.Dispose();
        }
    }
}
