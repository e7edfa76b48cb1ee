using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Ml.Sigmoid;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.Diagnostics;
using Mpc.Protocols.FixedPoint;
using Mpc.Protocols.Malicious;
using Mpc.Protocols.Preprocessing;
using Mpc.Protocols.Shamir;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Ml;

public sealed class SigmoidTests
{
    private static double Logistic(double z) => 1 / (1 + Math.Exp(-z));

    private static double MaxError(ISigmoid s, double from, double to)
    {
        double worst = 0;
        for (double z = from; z <= to; z += 0.001) worst = Math.Max(worst, Math.Abs(s.Evaluate(z) - Logistic(z)));
        return worst;
    }

    [Theory]
    [InlineData(5, 0.056)]
    [InlineData(7, 0.027)]
    [InlineData(9, 0.013)]
    public void ClippedPolynomial_IsWithinItsStatedErrorOnTheWholeLine(int degree, double bound) =>
        Assert.InRange(MaxError(new ClippedPolynomialSigmoid(degree), -60, 60), 0, bound);

    [Fact]
    public void Polynomial_IsAccurateInsideItsInterval_AndNotOutside()
    {
        var s = new PolynomialSigmoid(7);
        Assert.InRange(MaxError(s, -8, 8), 0, 0.027);
        Assert.True(Math.Abs(s.Evaluate(20) - 1) > 1, "an unclipped polynomial leaves [0, 1] beyond its interval");
    }

    [Fact]
    public void PiecewiseLinear_IsSecureMlsFunction()
    {
        var s = new PiecewiseLinearSigmoid();
        Assert.Equal([0, 0, 0.25, 0.5, 1, 1], new[] { -3, -0.5000001, -0.25, 0, 0.5, 7 }.Select(s.Evaluate));
        Assert.InRange(MaxError(s, -20, 20), 0.37, 0.38); // 1 - sigmoid(1/2) at z = 1/2
    }

    public static TheoryData<string> Sigmoids => ["clipped", "piecewise-linear", "polynomial"];

    [Theory]
    [MemberData(nameof(Sigmoids))]
    public void SecureEvaluation_MatchesThePlaintextForm_InEverySuite(string name)
    {
        var sigmoid = SigmoidChoice.Parse(name);
        double reach = name == "polynomial" ? 8 : 40;
        var z = Enumerable.Range(0, 161).Select(i => -reach + 2 * reach * i / 160.0).Concat([-0.5, 0.5, -8, 8, 0]).ToArray();
        var format = new FixedPointFormat(16);
        Check(LocalParties.Run(3, s => Evaluate<Z2k>(new AdditiveSuite(s, new DealerPreprocessing(s)))));
        Check(LocalParties.Run(3, s => Evaluate<Mersenne127>(new ShamirSuite<Mersenne127>(s))));
        // No speculative comparison: the clip first, then the polynomial (on the grid, from exact powers).
        Check(LocalParties.Run(3, async s => await Evaluate<Mersenne127>(await MaliciousShamirSuite<Mersenne127>.CreateAsync(s))));

        async Task<double[]> Evaluate<T>(IArithmeticSuite<T> suite) where T : unmanaged, IRing<T>
        {
            var fx = new FixedPointArithmetic<T>(suite, format);
            var shared = await fx.InputAsync(0, z, z.Length);
            return await fx.OpenAsync(await sigmoid.EvaluateAsync(fx, shared, reach));
        }

        void Check(double[][] results)
        {
            for (int i = 0; i < z.Length; i++)
            {
                // Exactly at a breakpoint the comparison is exact but the plaintext side may round either way.
                double expected = sigmoid.Evaluate(z[i]);
                Assert.True(Math.Abs(results[0][i] - expected) < 2e-3,
                    $"{sigmoid.Name} at {z[i]}: expected {expected}, got {results[0][i]}");
            }
        }
    }

    /// <summary>
    /// Shamir compares speculatively, but its truncation masks hide only values within its input range: the clipped
    /// sigmoid selects the polynomial's terms before truncating them, so however far z lies outside [-B, B] no value
    /// out of range is truncated. A suite that claims its masks hide any value gets the ring's form, which truncates
    /// the polynomial of every z and so values far out of range: the audit sees them.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ShamirSpeculativeClip_TruncatesOnlyValuesInRange(bool claimAnyValue)
    {
        var sigmoid = new ClippedPolynomialSigmoid(degree: 5);
        double reach = 900;
        var z = new[] { -reach, -300, -40, -8.01, -7.99, -1, 0, 0.5, 7.99, 8.01, 40, 300, reach };
        var format = new FixedPointFormat(16);
        var results = LocalParties.Run(3, async s =>
        {
            var audit = new TruncationAudit<Mersenne127>(new ShamirSuite<Mersenne127>(s) { ClaimMasksHideAnyValue = claimAnyValue });
            var fx = new FixedPointArithmetic<Mersenne127>(audit, format);
            var shared = await fx.InputAsync(0, z, z.Length);
            var values = await fx.OpenAsync(await sigmoid.EvaluateAsync(fx, shared, reach));
            return (values, audit.LargestBits, audit.TruncationInputBits, audit.RanBesideComparison);
        });
        var (sigmoids, largestBits, rangeBits, speculative) = results[0];
        Assert.True(speculative, "the polynomial did not run beside the comparison");
        for (int i = 0; i < z.Length; i++)
            Assert.True(Math.Abs(sigmoids[i] - sigmoid.Evaluate(z[i])) < 2e-3, $"at {z[i]}: {sigmoids[i]}");
        if (claimAnyValue) Assert.True(largestBits > rangeBits, $"the ring's form truncated values of at most {largestBits} bits");
        else Assert.True(largestBits < rangeBits, $"a truncated value had {largestBits} bits, beyond the range of {rangeBits}");
    }

    /// <summary>
    /// Opens every value handed to a plain truncation first (a test's extra opening) and keeps the largest one's signed
    /// bit length; notes whether an operation started while a comparison ran.
    /// </summary>
    private sealed class TruncationAudit<T>(IArithmeticSuite<T> inner) : SuiteDecorator<T>(inner), IArithmeticSuite<T>
        where T : unmanaged, IRing<T>
    {
        private int _comparing;

        public int LargestBits { get; private set; }

        public bool RanBesideComparison { get; private set; }

        protected override async ValueTask<TResult> AroundAsync<TResult>(SuiteOperation operation, long elements,
            Func<ValueTask<TResult>> call)
        {
            if (operation != SuiteOperation.Compare)
            {
                RanBesideComparison |= Volatile.Read(ref _comparing) > 0;
                return await call();
            }
            Interlocked.Increment(ref _comparing);
            try
            {
                return await call();
            }
            finally
            {
                Interlocked.Decrement(ref _comparing);
            }
        }

        public new async ValueTask<SharedVector<T>> TruncateAsync(SharedVector<T> x, int bits, CancellationToken ct = default)
        {
            foreach (var value in await Inner.OpenAsync(x, ct))
                LargestBits = Math.Max(LargestBits, 129 - (int)Int128.LeadingZeroCount(Int128.Abs(T.ToSignedInt128(value))));
            return await Inner.TruncateAsync(x, bits, ct);
        }
    }
}
