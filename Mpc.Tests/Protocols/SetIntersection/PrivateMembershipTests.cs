using FsCheck.Xunit;
using Mpc.Core.Arithmetic;
using Mpc.Net;
using Mpc.Protocols;
using Mpc.Protocols.SetIntersection;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols.SetIntersection;

/// <summary>
/// Private membership against the plaintext intersection over the trust-free suites (N = 2..5), and what a party sees
/// of the other parties' ids: uniform messages whatever ids lie outside the intersection, unlike a variant that also
/// sends its tags in the clear.
/// </summary>
public sealed class PrivateMembershipTests
{
    private sealed record Outcome(int Bins, long[] Indicator, long[][] Values, int[]? LeaderRows);

    private sealed class Align(string[] ids, long[] values, int width, int leader, bool openTags = false) : ISuiteWork<Outcome>
    {
        public async Task<Outcome> RunAsync<T>(IArithmeticSuite<T> suite) where T : unmanaged, IRing<T>
        {
            var membership = new PrivateMembership<T>(suite, leader) { TagsInTheClearForTests = openTags };
            var shares = await membership.AlignAsync(ids, values.Select(T.FromInt64).ToArray(), width);
            var indicator = await suite.OpenAsync(shares.Indicator);
            var opened = new long[shares.Values.Length][];
            for (int p = 0; p < opened.Length; p++)
                opened[p] = [.. (await suite.OpenAsync(shares.Values[p])).Select(v => (long)T.ToSignedInt128(v))];
            return new Outcome(shares.Bins, [.. indicator.Select(v => (long)T.ToSignedInt128(v))], opened, shares.LeaderRows);
        }
    }

    private static long Value(int party, string id, int column) =>
        (column % 2 == 0 ? 1 : -1) * ((party + 1) * 100_000L + id.GetHashCode(StringComparison.Ordinal) % 10_000 * 10 + column);

    private static Outcome[] Run(string[][] sets, int[] widths, int leader, IPartyNetwork[]? networks = null, bool openTags = false,
        int seed = 0)
    {
        int n = sets.Length;
        return LocalParties.RunAsync(networks ?? InMemoryNetwork.CreateCluster(n, TimeSpan.FromSeconds(60)), s =>
        {
            int p = s.PartyId;
            var values = sets[p].SelectMany(id => Enumerable.Range(0, widths[p]).Select(c => Value(p, id, c))).ToArray();
            return TrustFreeSuite.RunAsync(s, new Align(sets[p], values, widths[p], leader, openTags));
        }, seed).GetAwaiter().GetResult();
    }

    // Every party opens the same shares; they equal, bin by bin, the plaintext membership and values.
    private static void AssertMatchesPlaintext(string[][] sets, int[] widths, int leader, Outcome[] outcomes)
    {
        var rows = outcomes[leader].LeaderRows!;
        Assert.Equal(outcomes[leader].Bins, rows.Length);
        Assert.True(rows.Length >= sets[leader].Length);
        Assert.Equal(Enumerable.Range(0, sets[leader].Length), rows.Where(r => r >= 0).Order());
        foreach (var outcome in outcomes)
        {
            Assert.Equal(outcomes[leader].Indicator, outcome.Indicator);
            for (int p = 0; p < sets.Length; p++) Assert.Equal(outcomes[leader].Values[p], outcome.Values[p]);
        }
        var holders = sets.Select(s => s.ToHashSet(StringComparer.Ordinal)).ToArray();
        var result = outcomes[leader];
        for (int b = 0; b < rows.Length; b++)
        {
            string? id = rows[b] >= 0 ? sets[leader][rows[b]] : null;
            bool common = id is not null && holders.All(h => h.Contains(id));
            Assert.Equal(common ? 1 : 0, result.Indicator[b]);
            for (int p = 0; p < sets.Length; p++)
            {
                if (p == leader) continue;
                for (int c = 0; c < widths[p]; c++)
                {
                    long expected = id is not null && holders[p].Contains(id) ? Value(p, id, c) : 0;
                    Assert.Equal(expected, result.Values[p][b * widths[p] + c]);
                }
            }
        }
    }

    [Property(MaxTest = 15)]
    public void Shares_AreThePlaintextMembership_ForTwoToFiveParties(int seed, byte partiesByte, byte leaderByte)
    {
        var random = new Random(seed);
        int n = 2 + partiesByte % 4, leader = leaderByte % n, universe = 10 + random.Next(50);
        string[][] sets = [.. Enumerable.Range(0, n).Select(_ =>
            Enumerable.Range(0, universe).Where(_ => random.NextDouble() < 0.6).Select(i => $"id-{i}").Append("always").ToArray())];
        int[] widths = [.. Enumerable.Range(0, n).Select(p => p == leader ? 0 : random.Next(3))];
        AssertMatchesPlaintext(sets, widths, leader, Run(sets, widths, leader, seed: seed));
    }

    [Fact]
    public void ThreeParties_OnlyTheIdsAllHold_AreMembers()
    {
        string[][] sets = [["a", "b", "c", "d", "e"], ["b", "c", "x", "e"], ["c", "b", "y", "z", "d"]];
        int[] widths = [0, 2, 1];
        var outcomes = Run(sets, widths, leader: 0);
        AssertMatchesPlaintext(sets, widths, 0, outcomes);
        Assert.Equal(2, outcomes[1].Indicator.Sum()); // b and c
    }

    [Fact]
    public void Capacity_GrowsSlowly_AndHoldsRandomBins()
    {
        int bins = CuckooHashing.BinCount(1000);
        int capacity = CuckooHashing.Capacity(1000, bins);
        Assert.InRange(capacity, 10, 30);
        Assert.True(CuckooHashing.Capacity(1_000_000, CuckooHashing.BinCount(1_000_000)) <= capacity + 6);
        Assert.True(CuckooHashing.Capacity(1000, bins) < CuckooHashing.Capacity(4000, bins));
        var words = new ulong[2000];
        System.Security.Cryptography.RandomNumberGenerator.Fill(System.Runtime.InteropServices.MemoryMarshal.AsBytes(words.AsSpan()));
        // Half the capacity would overflow somewhere; the capacity does not.
        Assert.NotNull(CuckooHashing.Simple(words, 1000, bins, 0, capacity));
        Assert.Null(CuckooHashing.Simple(words, 1000, bins, 0, 3));
    }

    /// <summary>
    /// Parties 0 (the leader) and 2 see every frame of their views uniform, with the same frame sizes, whichever ids party
    /// 1 holds outside the intersection; a variant that also sends its tags in the clear fails the same test.
    /// </summary>
    [Fact]
    public void Views_AreUniform_WhateverTheIdsOutsideTheIntersection()
    {
        string[] Common(int count) => [.. Enumerable.Range(0, count).Select(i => $"c{i}")];
        string[][] Sets(string tag) =>
            [[.. Common(60), .. Enumerable.Range(0, 140).Select(i => $"l{i}")],
             [.. Common(60), .. Enumerable.Range(0, 140).Select(i => $"{tag}{i}")],
             [.. Common(60), .. Enumerable.Range(0, 90).Select(i => $"r{i}")]];
        int[] widths = [0, 1, 1];

        RecordingNetwork[] Observe(string tag, bool openTags = false)
        {
            var networks = InMemoryNetwork.CreateCluster(3, TimeSpan.FromSeconds(60)).Select(n => new RecordingNetwork(n)).ToArray();
            var outcomes = Run(Sets(tag), widths, 0, networks, openTags);
            Assert.Equal(60, outcomes[0].Indicator.Sum());
            return networks;
        }

        var a = Observe("a");
        var b = Observe("b");
        foreach (int party in new[] { 0, 2 })
        {
            Assert.Equal(a[party].Received.Select(f => f.Payload.Length).Order(), b[party].Received.Select(f => f.Payload.Length).Order());
            Assert.All(a[party].Received.Concat(b[party].Received).Where(f => f.Payload.Length >= 4096),
                f => Assert.InRange(ChiSquare(f.Payload), 0, 436));
        }
        var broken = Observe("a", openTags: true);
        Assert.Contains(broken[2].Received.Where(f => f.Payload.Length >= 4096), f => ChiSquare(f.Payload) > 1000);
    }

    // Pearson's statistic of the bytes against the uniform distribution (255 degrees of freedom: mean 255, sd 22.6).
    private static double ChiSquare(byte[] bytes)
    {
        var counts = new long[256];
        foreach (byte v in bytes) counts[v]++;
        double expected = bytes.Length / 256.0;
        return counts.Sum(c => (c - expected) * (c - expected) / expected);
    }
}
