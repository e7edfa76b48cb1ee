using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Mpc.Core.Arithmetic;
using Mpc.Net;
using Mpc.Protocols;
using Mpc.Protocols.Expressions;
using Mpc.Protocols.Replicated;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols.Expressions;

/// <summary>
/// The natural syntax: operators on <see cref="Secret"/> values build a lazy computation that opens to its plaintext
/// meaning on every default suite, in as many rounds as its levels need.
/// </summary>
public sealed class SecretSyntaxTests
{
    private static double[] Values(int seed, int count, double scale)
    {
        var rng = new System.Random(seed);   // test data only
        return [.. Enumerable.Range(0, count).Select(_ => Math.Round((rng.NextDouble() * 2 - 1) * scale, 3))];
    }

    [Property(MaxTest = 12)]
    public Property Expressions_OpenToTheirPlaintextMeaning_OnEveryDefaultSuite(int seed, byte nByte)
    {
        int n = 2 + nByte % 6;
        double[] mine = Values(seed, n, 100);
        var results = LocalParties.Run(n, async session =>
        {
            using var secure = SecretContext.Create(session);
            var x = secure.InputFromEach(mine[session.PartyId]);
            var total = Secret.Sum(x);
            var positives = Secret.Sum(x.Select(v => v > 0));
            var largestOfFirstTwo = Secret.IfElse(x[0] > x[1], x[0], x[1]);
            var mixed = (x[0] * x[1] - 3 * x[n - 1] + 0.5) / 4;
            var scaled = x[0] * 0.25;
            return await secure.RevealAsync(total, positives, largestOfFirstTwo, mixed, scaled, x[0].EqualTo(x[0]), x[0] <= x[1]);
        }, seed);
        double[] expected =
        [
            mine.Sum(), mine.Count(v => v > 0), Math.Max(mine[0], mine[1]), (mine[0] * mine[1] - 3 * mine[n - 1] + 0.5) / 4,
            mine[0] * 0.25, 1, mine[0] <= mine[1] ? 1 : 0,
        ];
        double[] tolerance = [1e-3, 0, 1e-3, 5e-3, 1e-3, 0, 0];
        return results.All(r => r.Zip(expected, tolerance).All(t => Math.Abs(t.First - t.Second) <= t.Third))
            .Label($"N={n}: expected [{string.Join(", ", expected)}], party 0 got [{string.Join(", ", results[0])}]");
    }

    [Property(MaxTest = 5)]
    public Property Functions_OpenToTheirPlaintextMeaning(int seed, byte nByte)
    {
        int n = 2 + nByte % 6;
        double[] x = [.. Values(seed, 5, 100).Select(v => Math.Round(v, 2))];
        double[] positive = [.. x.Select(v => Math.Abs(v) + 1)];
        var results = LocalParties.Run(n, async session =>
        {
            using var secure = SecretContext.Create(session);
            var v = secure.Input(0, x, x.Length);
            var p = secure.Input(n - 1, positive, positive.Length);
            return await secure.RevealAsync(v.Sort(), v.Max(), v.ArgMax(), v.PrefixSums(), v / p, p.Sqrt(), (p / 50).Exp(), p.Log());
        }, seed);
        double[] running = [.. x.Select((_, i) => x.Take(i + 1).Sum())];
        double[] expected =
        [
            .. x.Order(), x.Max(), Array.IndexOf(x, x.Max()), .. running, .. x.Zip(positive, (a, b) => a / b),
            .. positive.Select(q => Math.Sqrt(q)), .. positive.Select(q => Math.Exp(q / 50)), .. positive.Select(q => Math.Log(q)),
        ];
        // Within the documented errors: 2^-12 relative plus 4 units of 2^-16 (2, or the suite's truncation bound plus 2).
        const double relative = 1.0 / 4096, units = 4.0 / 65536;
        double[] tolerance =
        [
            .. x.Select(_ => units), units, 0, .. x.Select(_ => 5 * units),
            .. x.Zip(positive, (a, b) => Math.Abs(a / b) * relative + units),
            .. positive.Select(q => Math.Sqrt(q) * relative + units), .. positive.Select(q => Math.Exp(q / 50) * relative + units),
            .. positive.Select(_ => relative + units),
        ];
        return results.All(r => r.Zip(expected, tolerance).All(t => Math.Abs(t.First - t.Second) <= t.Third))
            .Label($"N={n}: expected [{string.Join(", ", expected)}], party 0 got [{string.Join(", ", results[0])}]");
    }

    [Property(MaxTest = 8)]
    public Property IntegerProducts_AreExact_VectorsBroadcast(int seed, byte nByte, byte lengthByte)
    {
        int n = 2 + nByte % 6, length = 1 + lengthByte % 12;
        var rng = new System.Random(seed);
        long[] a = [.. Enumerable.Range(0, length).Select(_ => (long)rng.Next(-30000, 30000))];
        long k = rng.Next(-1000, 1000);
        var results = LocalParties.Run(n, async session =>
        {
            using var secure = SecretContext.Create(session);
            var vector = Secret.Concat([.. a.Select(v => secure.InputInteger(0, session.PartyId == 0 ? v : 0))]);
            var scalar = secure.InputInteger(n - 1, session.PartyId == n - 1 ? k : 0);
            return await secure.RevealAsync(vector * scalar, (vector * vector).Sum(), vector.Slice(0, 1) - scalar);
        }, seed);
        double[] expected = [.. a.Select(v => (double)(v * k)), a.Sum(v => v * v), a[0] - k];
        return results.All(r => r.SequenceEqual(expected)).Label($"N={n}, length {length}");
    }

    [Fact]
    public async Task ProductTree_EachLevelAddsExactlyOneRound()
    {
        // 2^depth integers from party 0, multiplied pairwise level by level; the replicated suite's product is one round,
        // so each level of the tree must cost one round more than the tree below it, however many products it holds.
        int[] rounds = new int[6];
        for (int depth = 0; depth < rounds.Length; depth++)
        {
            int leaves = 1 << depth;
            var networks = CausalRoundsNetwork.Wrap(InMemoryNetwork.CreateCluster(3, TimeSpan.FromSeconds(30)));
            var results = await LocalParties.RunAsync(networks, async session =>
            {
                using var secure = SecretContext.For(new ReplicatedSuite(session));
                var level = Enumerable.Range(0, leaves).Select(i => secure.InputInteger(0, (i % 3) + 1)).ToList();
                while (level.Count > 1) level = [.. level.Chunk(2).Select(pair => pair[0] * pair[1])];
                Assert.Equal(depth + 1, level[0].Depth);
                return (await secure.RevealAsync(level[0]))[0];
            });
            double product = Enumerable.Range(0, leaves).Aggregate(1.0, (p, i) => p * ((i % 3) + 1));
            Assert.All(results, r => Assert.Equal(product, r));
            rounds[depth] = networks.Max(n => n.Rounds);
        }
        Assert.Equal([.. Enumerable.Range(0, rounds.Length).Select(d => rounds[0] + d)], rounds);
    }

    [Fact]
    public async Task Salaries_TakeTheRoundsOfTheirLevels_AsBatchedByHand()
    {
        double[] salaries = [95_000, 120_500, 101_000];
        // The natural syntax, operation by operation, against the same computation batched by hand with the explicit API.
        var lazy = CausalRoundsNetwork.Wrap(InMemoryNetwork.CreateCluster(3, TimeSpan.FromSeconds(30)));
        var lazyResults = await LocalParties.RunAsync(lazy, async session =>
        {
            using var secure = SecretContext.Create(session);
            var salary = secure.InputFromEach(salaries[session.PartyId]);
            return await secure.RevealAsync(Secret.Sum(salary), Secret.Sum(salary.Select(s => s > 100_000)));
        });
        var byHand = CausalRoundsNetwork.Wrap(InMemoryNetwork.CreateCluster(3, TimeSpan.FromSeconds(30)));
        await LocalParties.RunAsync(byHand, async session =>
        {
            var suite = new ReplicatedSuite(session);
            var format = Mpc.Core.FixedPoint.FixedPointFormat.Default;
            var inputs = Enumerable.Range(0, 3)
                .Select(p => suite.InputAsync(p, format.Encode<Z2kPair>([salaries[session.PartyId]]), 1).AsTask()).ToArray();
            var all = SharedVector<Z2kPair>.Concat(await Task.WhenAll(inputs));
            var above = await suite.LessThanZeroAsync(suite.AddPublic(suite.Scale(all, Z2kPair.FromInt64(-1)),
                format.Encode<Z2kPair>([100_000.0, 100_000.0, 100_000.0])));
            return await suite.OpenAsync(SharedVector<Z2kPair>.Concat(all.Sum(), above.Sum()));
        });
        Assert.All(lazyResults, r => Assert.Equal([316_500, 2], r));
        Assert.Equal(byHand.Max(n => n.Rounds), lazy.Max(n => n.Rounds));
    }

    [Fact]
    public void Secret_NeverBecomesPlaintext_AndPrintsNoValue()
    {
        Assert.DoesNotContain(typeof(Secret).GetMethods(), m => m.Name is "op_Implicit" or "op_Explicit");
        var printed = LocalParties.Run(3, session =>
        {
            using var secure = SecretContext.Create(session);
            return Task.FromResult((secure.Input(0, 123456.75) * 2).ToString());
        });
        Assert.All(printed, p => Assert.Equal("Secret[1] (fixed point, depth 1)", p));
    }

    [Fact]
    public void Misuse_IsRefusedSayingWhat()
    {
        LocalParties.Run(3, session =>
        {
            using var secure = SecretContext.Create(session);
            using var other = SecretContext.Create(session);
            var a = secure.Input(0, [1.0, 2.0, 3.0], 3);
            Assert.Contains("do not fit", Assert.Throws<ArgumentException>(() => a + secure.Input(1, [1.0, 2.0], 2)).Message);
            Assert.Contains("another context", Assert.Throws<ArgumentException>(() => a + other.Constant(1)).Message);
            Assert.Throws<DivideByZeroException>(() => a / 0);
            if (session.PartyId == 0)
                Assert.Contains("announced", Assert.Throws<ArgumentException>(() => secure.Input(0, [1.0], 2)).Message);
            return Task.FromResult(0);
        });
    }
}
