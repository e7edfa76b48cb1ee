using System.Text;
using FsCheck.Xunit;
using Mpc.Core;
using Mpc.Net;
using Mpc.Protocols;
using Mpc.Protocols.SetIntersection;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols.SetIntersection;

/// <summary>ECDH-PSI against the plaintext intersection, what a party's view holds, and the errors its inputs can cause.</summary>
public sealed class EcdhPsiTests
{
    private static IntersectionResult[] Run(string[][] sets, int leader = 0, X25519Backend? backend = null,
        RecordingNetwork[]? networks = null) =>
        LocalParties.RunAsync(
            networks is null ? InMemoryNetwork.CreateCluster(sets.Length, TimeSpan.FromSeconds(30)) : [.. networks],
            s => new EcdhPsi(s, leader, backend).IntersectAsync(sets[s.PartyId])).GetAwaiter().GetResult();

    // Random sets over a shared universe: every id is in each party's set with its own probability.
    private static string[][] RandomSets(int seed, int parties, int universe)
    {
        var random = new Random(seed);
        var keep = Enumerable.Range(0, parties).Select(_ => 0.3 + 0.7 * random.NextDouble()).ToArray();
        return [.. Enumerable.Range(0, parties).Select(p =>
        {
            var ids = Enumerable.Range(0, universe).Where(_ => random.NextDouble() < keep[p]).Select(i => $"id-{i}-é").ToList();
            if (ids.Count == 0) ids.Add("id-0-é");
            return ids.OrderBy(_ => random.Next()).ToArray();
        })];
    }

    [Property(MaxTest = 12)]
    public void Intersection_IsThePlaintextOne_InOneOrderForAll(int seed, byte nByte, byte leaderByte)
    {
        int n = 2 + nByte % 4, leader = leaderByte % n;
        var sets = RandomSets(seed, n, 40 + Math.Abs(seed % 60));
        var results = Run(sets, leader);
        var expected = sets.Skip(1).Aggregate(new HashSet<string>(sets[0]), (common, set) => { common.IntersectWith(set); return common; });
        var first = results[0].Rows.Select(r => sets[0][r]).ToArray();
        Assert.Equal(expected.Count, first.Length);
        Assert.True(expected.SetEquals(first));
        for (int p = 0; p < n; p++)
        {
            Assert.Equal(first, results[p].Rows.Select(r => sets[p][r]));
            Assert.Equal(sets.Select(s => (long)s.Length), results[p].SetSizes);
        }
    }

    [Fact]
    public void DisjointSets_GiveAnEmptyIntersection()
    {
        var results = Run([["a", "b"], ["c"], ["d", "e", "f"]]);
        Assert.All(results, r => Assert.Empty(r.Rows));
    }

    [Fact]
    public void OpenSslAndBouncyCastle_BlindAlike()
    {
        var scalar = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var points = new byte[200 * 32];
        for (int i = 0; i < 200; i++) HashToCurve25519.Hash(Encoding.UTF8.GetBytes($"row {i}"), EcdhPsi.Domain, points.AsSpan(i * 32, 32));
        byte[] portable = new byte[points.Length], native = new byte[points.Length];
        Assert.True(X25519Backend.Portable.Multiply(scalar, points, 0, 200, portable));
        Assert.True(X25519Backend.Default.Multiply(scalar, points, 0, 200, native));
        Assert.Equal(portable, native);
    }

    /// <summary>
    /// Party 1's view (not the leader) with parties 0 and 2 holding other ids outside the intersection: the same frames
    /// and sizes, the same rows found, received points uniform, and none of the other parties' ids recognisable by
    /// hashing candidates; a variant where party 0 does not blind leaks its ids to that attack.
    /// </summary>
    [Fact]
    public void NonLeadersView_SaysNothingOfIdsOutsideTheIntersection()
    {
        string[] common = [.. Enumerable.Range(0, 30).Select(i => $"common-{i}")];
        string[] Others(string tag, int party) => [.. common, .. Enumerable.Range(0, 50).Select(i => $"{tag}-{party}-{i}")];
        string[] mine = [.. common, .. Enumerable.Range(0, 20).Select(i => $"only-1-{i}")];
        var candidates = new[] { "a", "b" }.SelectMany(tag => Enumerable.Range(0, 3).SelectMany(p => Others(tag, p))).ToArray();

        (IReadOnlyList<(int Peer, StreamTag Tag, byte[] Payload)> View, HashSet<int> Rows) Observe(string tag, X25519Backend? backend)
        {
            var networks = InMemoryNetwork.CreateCluster(3, TimeSpan.FromSeconds(30)).Select(n => new RecordingNetwork(n)).ToArray();
            var results = Run([Others(tag, 0), mine, Others(tag, 2)], 0, backend, networks);
            return (networks[1].Received, [.. results[1].Rows]);
        }

        var (viewA, rowsA) = Observe("a", null);
        var (viewB, rowsB) = Observe("b", null);
        Assert.True(rowsA.SetEquals(rowsB));
        Assert.Equal(viewA.Select(f => (f.Peer, f.Payload.Length)).Order(), viewB.Select(f => (f.Peer, f.Payload.Length)).Order());
        foreach (var view in new[] { viewA, viewB })
        {
            var points = Points(view).DistinctBy(Convert.ToHexString).ToList(); // the intersection repeats some of my own
            Assert.Empty(Recognised(points, candidates));
            AssertUniformBytes(points);
        }

        // Party 0 skipping its blinding: its ids reach party 1 as plain hashes, and the attack names them.
        var (leaky, _) = Observe("a", new NoBlinding());
        Assert.Contains("a-0-7", Recognised(Points(leaky).ToList(), candidates));
    }

    private static IEnumerable<byte[]> Points(IReadOnlyList<(int Peer, StreamTag Tag, byte[] Payload)> view) =>
        view.Where(f => f.Payload.Length % 32 == 0 && f.Payload.Length >= 32)
            .SelectMany(f => Enumerable.Range(0, f.Payload.Length / 32).Select(i => f.Payload.AsSpan(i * 32, 32).ToArray()));

    private static IEnumerable<string> Recognised(List<byte[]> points, string[] candidates)
    {
        var seen = new HashSet<string>(points.Select(Convert.ToHexString));
        var hash = new byte[32];
        foreach (var id in candidates)
        {
            HashToCurve25519.Hash(Encoding.UTF8.GetBytes(id), EcdhPsi.Domain, hash);
            if (seen.Contains(Convert.ToHexString(hash))) yield return id;
        }
    }

    // Bytes 0..30 of uniform points are uniform (the last holds only 7 bits): chi-square over 256 values.
    private static void AssertUniformBytes(List<byte[]> points)
    {
        var counts = new long[256];
        foreach (var point in points) for (int i = 0; i < 31; i++) counts[point[i]]++;
        double expected = counts.Sum() / 256.0;
        double chi = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.InRange(chi, 160, 360); // 255 degrees of freedom: far outside only with probability below 1e-6
    }

    private sealed class NoBlinding : X25519Backend
    {
        public override string Name => "none";

        protected override bool MultiplyRange(byte[] scalar, byte[] points, int offset, int count, byte[] results)
        {
            Array.Copy(points, offset * Bytes, results, offset * Bytes, count * Bytes);
            return true;
        }
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("dup", "repeats the one of row 0")]
    public void AnUnusableId_NamesItsRow_AndStopsEveryParty(string bad, string reason)
    {
        var errors = Failures([["dup", bad, "x"], ["x", "y"]]);
        var mine = Assert.IsType<InvalidIdException>(errors[0]);
        Assert.Equal(1, mine.Index);
        Assert.Contains(reason, mine.Message);
        Assert.Contains("Party 0 has an id it cannot use", errors[1].Message);
    }

    [Fact]
    public void AnOverLongId_AndAPartyWithoutIds_AreNamed()
    {
        var errors = Failures([["x", new string('z', EcdhPsi.MaxIdBytes + 1)], ["x"]]);
        Assert.Contains("more than 1024", errors[0].Message);
        errors = Failures([["x"], []]);
        Assert.All(errors, e => Assert.Contains("Party 1 has no ids", e.Message));
    }

    private static Exception[] Failures(string[][] sets) =>
        LocalParties.RunAsync(InMemoryNetwork.CreateCluster(sets.Length, TimeSpan.FromSeconds(30)), async s =>
        {
            try
            {
                await new EcdhPsi(s).IntersectAsync(sets[s.PartyId]);
                return (Exception)new InvalidOperationException("no error");
            }
            catch (MpcException e)
            {
                return e;
            }
        }).GetAwaiter().GetResult();
}
