using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Ml.Data;
using Mpc.Ml.Sigmoid;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Ml;

/// <summary>
/// The secure softmax against its meaning, and class discovery against the union of the parties' labels, over random
/// inputs and random N (2..7) on the trust-free suite for N.
/// </summary>
public sealed class SecureSoftmaxTests
{
    private static readonly FixedPointFormat Format = FixedPointFormat.Default;

    private sealed class Softmax(double[] scores, int classes, double bound) : ISuiteWork<double[]>
    {
        public async Task<double[]> RunAsync<T>(IArithmeticSuite<T> suite) where T : unmanaged, IRing<T>
        {
            var fx = new FixedPointArithmetic<T>(suite, Format);
            var shared = await fx.InputAsync(0, suite.Session.PartyId == 0 ? scores : ReadOnlyMemory<double>.Empty, scores.Length);
            return await fx.OpenAsync(await SecureSoftmax.EvaluateAsync(fx, shared, classes, bound));
        }
    }

    [Property(MaxTest = 8)]
    public Property Softmax_IsWithinItsErrorOfTheExactOne(int seed, byte nByte, byte classesByte)
    {
        int n = 2 + nByte % 6, classes = 2 + classesByte % 11, rows = 7;
        var random = new Random(seed); // test data only
        // Scores spread over [-40, 40], some rows with one class far ahead (the others' exponentials vanish).
        double[] scores = [.. Enumerable.Range(0, rows * classes).Select(i => i / classes % 3 == 0
            ? random.NextDouble() * 80 - 40
            : random.NextDouble() * 8 - 4)];
        var results = LocalParties.Run(n, s => TrustFreeSuite.RunAsync(s, new Softmax(scores, classes, 64)), seed);
        var approximation = SecureSoftmax.Evaluate(scores, classes);
        var why = new List<string>();
        for (int row = 0; row < rows; row++)
        {
            var z = scores.AsSpan(row * classes, classes).ToArray();
            double max = z.Max(), sum = z.Sum(v => Math.Exp(v - max));
            for (int k = 0; k < classes; k++)
            {
                int i = row * classes + k;
                double exact = Math.Exp(z[k] - max) / sum;
                if (Math.Abs(results[0][i] - exact) > 5e-3) why.Add($"row {row} class {k}: {results[0][i]} against exact {exact}");
                if (Math.Abs(results[0][i] - approximation[i]) > 1e-3)
                    why.Add($"row {row} class {k}: {results[0][i]} against its plaintext form {approximation[i]}");
            }
        }
        Assert.All(results, r => Assert.Equal(results[0], r));
        return (why.Count == 0).Label($"N = {n}, K = {classes}: {string.Join("; ", why.Take(3))}");
    }

    private sealed class Discovery(PartyTable mine) : ISuiteWork<int[]>
    {
        public async Task<int[]> RunAsync<T>(IArithmeticSuite<T> suite) where T : unmanaged, IRing<T> =>
            await ClassDiscovery.DiscoverAsync(suite, mine);
    }

    [Property(MaxTest = 8)]
    public Property ClassDiscovery_OpensTheUnionOfTheLabels(int seed, byte nByte)
    {
        int n = 2 + nByte % 6;
        var random = new Random(seed); // test data only
        var tables = Enumerable.Range(0, n).Select(p =>
        {
            double[] labels = [.. Enumerable.Range(0, 1 + random.Next(6)).Select(_ => (double)random.Next(0, 256))];
            return new PartyTable($"party-{p}.csv", ["x"], new double[labels.Length], labels, "label", null,
                [.. Enumerable.Range(2, labels.Length)]);
        }).ToArray();
        var results = LocalParties.Run(n, s => TrustFreeSuite.RunAsync(s, new Discovery(tables[s.PartyId])), seed);
        int[] union = [.. tables.SelectMany(t => t.Labels!).Distinct().Order().Select(v => (int)v)];
        return results.All(r => r.SequenceEqual(union)).Label($"N = {n}: {string.Join(",", results[0])} against {string.Join(",", union)}");
    }
}
