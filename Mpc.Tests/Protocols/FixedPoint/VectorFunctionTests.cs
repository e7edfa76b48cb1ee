using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols.FixedPoint;

/// <summary>
/// The vector operations and elementary functions every author needs, on every suite (replicated at 3 parties,
/// Shamir at 4 to 7, the additive suite on the OT source at 2), against their plaintext meaning within their stated
/// errors.
/// </summary>
public sealed class VectorFunctionTests
{
    private static readonly FixedPointFormat Format = FixedPointFormat.Default;

    /// <summary>Runs <paramref name="body"/> at N parties on the suite that N gets by default, returning party 0's reals.</summary>
    private static double[] OnDefaultSuite(int n, int seed, Func<ISuiteRun, Task<double[]>> body) =>
        LocalParties.Run(n, session => TrustFreeSuite.RunAsync(session, new Body(body)), seed)[0];

    private sealed class Body(Func<ISuiteRun, Task<double[]>> body) : ISuiteWork<double[]>
    {
        public Task<double[]> RunAsync<T>(IArithmeticSuite<T> suite) where T : unmanaged, IRing<T> => body(new SuiteRun<T>(suite));
    }

    /// <summary>One suite's operations on reals, so that one test body covers every ring.</summary>
    private interface ISuiteRun
    {
        Task<double[]> Apply(double[] values, string operation, double[]? other = null);
    }

    private sealed class SuiteRun<T>(IArithmeticSuite<T> suite) : ISuiteRun where T : unmanaged, IRing<T>
    {
        public async Task<double[]> Apply(double[] values, string operation, double[]? other = null)
        {
            var x = await suite.InputAsync(0, Format.Encode<T>(values), values.Length);
            var y = other is null ? null : await suite.InputAsync(suite.Session.PartyCount - 1, Format.Encode<T>(other), other.Length);
            var functions = new FixedPointFunctions<T>(suite, Format);
            SharedVector<T> result = operation switch
            {
                "prefix" => suite.PrefixSums(x),
                "sort" => await suite.SortAsync(x),
                "max" => (await suite.ArgMaxAsync(x)).Max,
                "argmax" => (await suite.ArgMaxAsync(x)).Index,
                "equal" => await suite.EqualAsync(x, y!),
                "reciprocal" => await functions.ReciprocalAsync(x),
                "divide" => await functions.DivideAsync(x, y!),
                "sqrt" => await functions.SqrtAsync(x),
                "exp" => await functions.ExpAsync(x),
                "log" => await functions.LogAsync(x),
                _ => throw new ArgumentException(operation),
            };
            var opened = await suite.OpenAsync(result);
            bool integer = operation is "argmax" or "equal";
            return [.. opened.Select(v => integer ? (double)T.ToSignedInt128(v) : Format.Decode(v))];
        }
    }

    private static double[] Reals(int seed, int count, double low, double high)
    {
        var rng = new System.Random(seed);   // test data only
        return [.. Enumerable.Range(0, count).Select(_ => Math.Round(low + rng.NextDouble() * (high - low), 4))];
    }

    private static Property Within(double[] actual, double[] expected, Func<double, double> tolerance, string what) =>
        actual.Zip(expected).All(p => Math.Abs(p.First - p.Second) <= tolerance(p.Second))
            .Label($"{what}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");

    private const double Unit = 1.0 / 65536;

    /// <summary>The real the format stores for <paramref name="v"/>: what the parties compute on.</summary>
    private static double Q(double v) => Math.Round(v / Unit) * Unit;

    private static readonly double Relative = Math.ScaleB(1, -12);

    [Property(MaxTest = 6)]
    public Property SortPrefixAndMax_MatchPlaintext(int seed, byte nByte, byte lengthByte)
    {
        int n = 2 + nByte % 6, length = 1 + lengthByte % 13;
        double[] x = Reals(seed, length, -1000, 1000);
        if (length > 2) x[1] = x[0]; // a tie
        double[] sorted = OnDefaultSuite(n, seed, s => s.Apply(x, "sort"));
        double[] prefix = OnDefaultSuite(n, seed, s => s.Apply(x, "prefix"));
        double[] max = OnDefaultSuite(n, seed, s => s.Apply(x, "max"));
        double[] argmax = OnDefaultSuite(n, seed, s => s.Apply(x, "argmax"));
        double[] running = new double[length];
        for (int i = 0; i < length; i++) running[i] = x[i] + (i > 0 ? running[i - 1] : 0);
        int first = Array.IndexOf(x, x.Max());
        return Within(sorted, [.. x.Order()], _ => Unit, $"sort at N={n}")
            .And(Within(prefix, running, _ => length * Unit, "prefix sums"))
            .And(Within(max, [x.Max()], _ => Unit, "max"))
            .And(Within(argmax, [first], _ => 0, "argmax (first occurrence)"));
    }

    [Property(MaxTest = 5)]
    public Property Equality_IsExact(int seed, byte nByte)
    {
        int n = 2 + nByte % 6;
        double[] x = Reals(seed, 6, -50, 50), y = [x[0], x[1] + Unit, x[2] - Unit, 7.5, x[4], -x[5] - 1];
        double[] equal = OnDefaultSuite(n, seed, s => s.Apply(x, "equal", y));
        return Within(equal, [.. x.Zip(y, (a, b) => a == b ? 1.0 : 0.0)], _ => 0, $"equal at N={n}");
    }

    [Property(MaxTest = 5)]
    public Property ReciprocalAndDivision_WithinTheirErrors(int seed, byte nByte)
    {
        int n = 2 + nByte % 6;
        double[] x = [.. Reals(seed, 5, 0.01, 5000).Zip(Reals(seed + 1, 5, -1, 1), (v, s) => s < 0 ? -v : v), 0.001, -0.25, 12345];
        double[] a = Reals(seed + 2, x.Length, -100, 100);
        double[] reciprocal = OnDefaultSuite(n, seed, s => s.Apply(x, "reciprocal"));
        double[] quotient = OnDefaultSuite(n, seed, s => s.Apply(a, "divide", x));
        return Within(reciprocal, [.. x.Select(v => 1 / Q(v))], e => Math.Abs(e) * Relative + 4 * Unit, $"1/x at N={n}")
            .And(Within(quotient, [.. a.Zip(x, (p, q) => Q(p) / Q(q))], e => Math.Abs(e) * Relative + 4 * Unit, "a / b"));
    }

    [Property(MaxTest = 5)]
    public Property SqrtExpAndLog_WithinTheirErrors(int seed, byte nByte)
    {
        int n = 2 + nByte % 6;
        double[] positive = [.. Reals(seed, 5, 0.001, 20000), 1, 0.25, Unit];
        double[] exponents = [.. Reals(seed + 1, 5, -10, 15), 0, -16, 1];
        double[] sqrt = OnDefaultSuite(n, seed, s => s.Apply(positive, "sqrt"));
        double[] exp = OnDefaultSuite(n, seed, s => s.Apply(exponents, "exp"));
        double[] log = OnDefaultSuite(n, seed, s => s.Apply(positive, "log"));
        return Within(sqrt, [.. positive.Select(v => Math.Sqrt(Q(v)))], e => e * Relative + 4 * Unit, $"sqrt at N={n}")
            .And(Within(exp, [.. exponents.Select(v => Math.Exp(Q(v)))], e => e * Relative + 4 * Unit, "exp"))
            .And(Within(log, [.. positive.Select(v => Math.Log(Q(v)))], _ => Relative + 4 * Unit, "log"));
    }

    [Fact]
    public void SortingNetwork_SortsEveryZeroOneInput_UpToEleven()
    {
        // The 0-1 principle: a comparator network sorts every input if it sorts every input of zeros and ones.
        for (int n = 0; n <= 11; n++)
        {
            var layers = VectorAlgorithmsLayers(n);
            for (int mask = 0; mask < 1 << n; mask++)
            {
                int[] v = [.. Enumerable.Range(0, n).Select(i => (mask >> i) & 1)];
                foreach (var layer in layers)
                {
                    Assert.Equal(layer.Length, layer.SelectMany(p => new[] { p.Low, p.High }).Distinct().Count() / 2);
                    foreach (var (low, high) in layer) if (v[high] < v[low]) (v[low], v[high]) = (v[high], v[low]);
                }
                Assert.True(v.SequenceEqual(v.Order()), $"n = {n}, input {mask}");
            }
        }

        static IReadOnlyList<(int Low, int High)[]> VectorAlgorithmsLayers(int n) => SortingNetwork.Layers(n);
    }

    [Fact]
    public void Polynomials_FitTheirFunctions()
    {
        Assert.True(PolynomialFit.MaxError(s => Math.Pow(2, (s + 1) / 2), PolynomialFit.OnUnitInterval(s => Math.Pow(2, (s + 1) / 2), 7))
            < 1e-8);
        Assert.True(PolynomialFit.MaxError(s => Math.Log((s + 3) / 4), PolynomialFit.OnUnitInterval(s => Math.Log((s + 3) / 4), 10))
            < 1e-6);
    }
}
