using FsCheck.Xunit;
using Mpc.Net;
using Mpc.Protocols.SetIntersection;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols.SetIntersection;

/// <summary>OT-based PSI (KKRT) against the plaintext intersection, and what the receiver sees of the sender's other ids.</summary>
public sealed class KkrtPsiTests
{
    private static IntersectionResult[] Run(string[][] sets, int receiver = 0, RecordingNetwork[]? networks = null) =>
        LocalParties.RunAsync(
            networks is null ? InMemoryNetwork.CreateCluster(2, TimeSpan.FromSeconds(30)) : [.. networks],
            s => new KkrtPsi(s, receiver).IntersectAsync(sets[s.PartyId])).GetAwaiter().GetResult();

    [Property(MaxTest = 15)]
    public void Intersection_IsThePlaintextOne_InIdOrderForBoth(int seed, bool receiverIsOne, byte sizeByte)
    {
        var random = new Random(seed);
        int universe = 20 + sizeByte * 4;
        string[][] sets = [.. Enumerable.Range(0, 2).Select(_ =>
            Enumerable.Range(0, universe).Where(_ => random.NextDouble() < 0.6).Select(i => $"patient/{i}").Append("always").ToArray())];
        var results = Run(sets, receiverIsOne ? 1 : 0);
        var expected = sets[0].Intersect(sets[1]).Order(StringComparer.Ordinal).ToArray();
        for (int p = 0; p < 2; p++)
        {
            Assert.Equal(expected, results[p].Rows.Select(r => sets[p][r]));
            Assert.Equal([sets[0].Length, sets[1].Length], results[p].SetSizes);
        }
    }

    [Fact]
    public void ALargerSet_WithFewCommonIds()
    {
        string[] a = [.. Enumerable.Range(0, 5000).Select(i => $"a{i}"), "x", "y"];
        string[] b = ["y", "q", "x", .. Enumerable.Range(0, 300).Select(i => $"b{i}")];
        var results = Run([a, b]);
        Assert.Equal(["x", "y"], results[0].Rows.Select(r => a[r]));
        Assert.Equal(["x", "y"], results[1].Rows.Select(r => b[r]));
    }

    /// <summary>
    /// The receiver's view with the sender holding other ids outside the intersection: the same frames, PRF values
    /// uniform, and only the common ids matched; a sender whose secret is 0 lets the receiver match ids it does not hold.
    /// </summary>
    [Fact]
    public void ReceiversView_SaysNothingOfTheSendersOtherIds()
    {
        string[] mine = [.. Enumerable.Range(0, 200).Select(i => $"m{i}")];
        string[] Theirs(string tag) => [.. mine.Take(40), .. Enumerable.Range(0, 300).Select(i => $"{tag}{i}")];

        (IReadOnlyList<(int Peer, StreamTag Tag, byte[] Payload)> View, int Matched) Observe(string tag)
        {
            var networks = InMemoryNetwork.CreateCluster(2, TimeSpan.FromSeconds(30)).Select(n => new RecordingNetwork(n)).ToArray();
            var results = Run([mine, Theirs(tag)], 0, networks);
            return (networks[0].Received, results[0].Count);
        }

        var (a, matchedA) = Observe("a");
        var (b, matchedB) = Observe("b");
        Assert.Equal(40, matchedA);
        Assert.Equal(40, matchedB);
        Assert.Equal(a.Select(f => f.Payload.Length).Order(), b.Select(f => f.Payload.Length).Order());
        var values = a.Where(f => f.Payload.Length == 340 * 16).SelectMany(f => f.Payload).ToArray();
        Assert.Equal(3 * 340 * 16, values.Length);
        var counts = new long[256];
        foreach (byte v in values) counts[v]++;
        double expected = values.Length / 256.0, chi = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.InRange(chi, 160, 360);

        // Unmasked, a sender id in any of my occupied bins matches: far more than the 40 common ids (the sender then
        // refuses the list, which names some of its ids more than once).
        var receiverRows = LocalParties.Run(2, async s =>
        {
            try
            {
                return (await new KkrtPsi(s) { UnmaskedForTests = true }.IntersectAsync(s.PartyId == 0 ? mine : Theirs("a"))).Count;
            }
            catch (Mpc.Core.MpcException)
            {
                return -1;
            }
        });
        Assert.True(receiverRows[0] > 40, $"{receiverRows[0]} matches");
    }
}
