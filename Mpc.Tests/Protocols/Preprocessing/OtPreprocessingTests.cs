using FsCheck.Xunit;
using Mpc.Core.Arithmetic;
using Mpc.Protocols;
using Mpc.Protocols.Additive;
using Mpc.Protocols.Preprocessing;
using Mpc.Tests.Arbitraries;
using Mpc.Tests.Protocols.Harness;

namespace Mpc.Tests.Protocols.Preprocessing;

/// <summary>
/// The arithmetic contract for the additive suite with OT-made preprocessing (no trusted party), N = 2..3 (every run
/// pays for fresh base OTs; the preprocessing tests cover N up to 5).
/// </summary>
public sealed class AdditiveOtContract : FixedPointContractTests<Z2k>
{
    protected override IArithmeticSuite<Z2k> CreateSuite(Session session) => new AdditiveSuite(session, new OtPreprocessing(session));
    protected override int MinParties => 2;
    protected override int MaxParties => 3;
}

/// <summary>The laws of the material the OT source makes, reconstructed from every party's shares.</summary>
public sealed class OtPreprocessingTests
{
    private static Z2k Sum(IEnumerable<Z2k> shares) => shares.Aggregate(default(Z2k), (s, x) => s + x);

    [Property(MaxTest = 6)]
    public void Triples_SatisfyTheProductLaw(byte nByte, ushort countSeed)
    {
        int n = 2 + nByte % 4, count = 1 + countSeed % 3000;
        var triples = LocalParties.Run(n, async s =>
        {
            using var source = new OtPreprocessing(s);
            var first = await source.TakeTriplesAsync(count);
            var second = await source.TakeTriplesAsync(7);
            return (first, second);
        }, countSeed);
        foreach (var pick in new Func<(BeaverTriples<Z2k>, BeaverTriples<Z2k>), BeaverTriples<Z2k>>[] { t => t.Item1, t => t.Item2 })
        {
            var parts = triples.Select(pick).ToArray();
            for (int i = 0; i < parts[0].Count; i++)
            {
                Z2k a = Sum(parts.Select(t => t.A[i])), b = Sum(parts.Select(t => t.B[i])), c = Sum(parts.Select(t => t.C[i]));
                Assert.Equal(a * b, c);
            }
        }
    }

    [Theory]
    [InlineData(2, 5, 3, 4)]     // both orientations are close: the right operand chooses
    [InlineData(3, 40, 6, 1)]    // tall times a vector: OTs choose with the vector's bits
    [InlineData(3, 1, 6, 40)]    // a row times a wide matrix: transposed, the row chooses
    [InlineData(4, 3, 1, 2)]
    public void MatrixTriples_SatisfyTheProductLaw(int n, int rows, int inner, int columns)
    {
        var parts = LocalParties.Run(n, async s =>
        {
            using var source = new OtPreprocessing(s);
            return await source.TakeMatrixTripleAsync(rows, inner, columns);
        }, rows * 100 + columns);
        var a = Enumerable.Range(0, rows * inner).Select(i => Sum(parts.Select(t => t.A[i]))).ToArray();
        var b = Enumerable.Range(0, inner * columns).Select(i => Sum(parts.Select(t => t.B[i]))).ToArray();
        var c = Enumerable.Range(0, rows * columns).Select(i => Sum(parts.Select(t => t.C[i]))).ToArray();
        var expected = new Z2k[rows * columns];
        VectorMath.MatrixMultiply<Z2k>(a, b, expected, rows, inner, columns);
        Assert.Equal(expected, c);
        Assert.Contains(a, x => x != default);
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public void ReusedMaskTriples_SatisfyTheProductLaw_WholeAndOnRowViews(int n, bool transposed)
    {
        const int rows = 12, width = 5, columns = 2;
        var parts = LocalParties.Run(n, async s =>
        {
            using var source = new OtPreprocessing(s);
            var mask = await source.TakeMatrixMaskAsync(rows, width);
            var whole = await source.TakeMatrixTripleForAsync(mask, transposed, columns);
            var view = mask.SelectRows(4, 3);
            var part = await source.TakeMatrixTripleForAsync(view, transposed, columns);
            return (A: mask.Shares.ToArray(), whole, part);
        }, n);
        var a = Enumerable.Range(0, rows * width).Select(i => Sum(parts.Select(p => p.A[i]))).ToArray();
        Check(a, rows, parts.Select(p => p.whole).ToArray());
        Check(a.AsSpan(4 * width, 3 * width).ToArray(), 3, parts.Select(p => p.part).ToArray());

        void Check(Z2k[] op, int opRows, FixedMaskTriple[] triples)
        {
            int m = transposed ? width : opRows, k = transposed ? opRows : width;
            if (transposed)
            {
                var t = new Z2k[op.Length];
                for (int i = 0; i < opRows; i++) for (int j = 0; j < width; j++) t[j * opRows + i] = op[i * width + j];
                op = t;
            }
            var b = Enumerable.Range(0, k * columns).Select(i => Sum(triples.Select(t => t.B[i]))).ToArray();
            var c = Enumerable.Range(0, m * columns).Select(i => Sum(triples.Select(t => t.C[i]))).ToArray();
            var expected = new Z2k[m * columns];
            VectorMath.MatrixMultiply<Z2k>(op, b, expected, m, k, columns);
            Assert.Equal(expected, c);
        }
    }

    [Theory]
    [InlineData(2, 16)]
    [InlineData(3, 0)]
    [InlineData(5, 40)]
    public void TruncationMasks_AreConsistentDecompositions(int n, int bits)
    {
        const int count = 300;
        var parts = LocalParties.Run(n, async s =>
        {
            using var source = new OtPreprocessing(s);
            return await source.TakeTruncationMasksAsync(count, bits);
        }, n + bits);
        var tops = new int[2];
        for (int e = 0; e < count; e++)
        {
            ulong r = Sum(parts.Select(m => m.R[e])).Value;
            ulong top = Sum(parts.Select(m => m.TopBit[e])).Value;
            ulong low = Sum(parts.Select(m => m.LowShifted[e])).Value;
            Assert.Equal(r >> 63, top);
            Assert.Equal((r & ((1UL << 63) - 1)) >> bits, low);
            tops[top]++;
        }
        Assert.InRange(tops[1], 90, 210); // the top bit is a fair coin (4+ standard deviations)
    }

    [Theory]
    [InlineData(2, 64)]
    [InlineData(3, 20)]
    [InlineData(4, 1)]
    public void BitMasks_ShareTheLowBitsOfTheMask(int n, int bits)
    {
        const int count = 200;
        var parts = LocalParties.Run(n, async s =>
        {
            using var source = new OtPreprocessing(s);
            return await source.TakeBitMasksAsync(count, bits);
        }, n * bits);
        var ones = 0;
        for (int e = 0; e < count; e++)
        {
            ulong r = Sum(parts.Select(m => m.R[e])).Value;
            for (int i = 0; i < bits; i++)
            {
                ulong bit = Sum(parts.Select(m => m.Bits[e * bits + i])).Value;
                Assert.Equal((r >> i) & 1, bit);
                ones += (int)bit;
            }
        }
        int total = count * bits;
        Assert.InRange(ones, total / 2 - 5 * Math.Sqrt(total) / 2 - 1, total / 2 + 5 * Math.Sqrt(total) / 2 + 1);
    }

    [Theory]
    [InlineData(2, 64, false)]
    [InlineData(3, 37, true)]
    [InlineData(4, 1, true)]
    public void ComparisonMasks_ShareTheBitsInBothForms(int n, int bits, bool withProducts)
    {
        const int count = 130; // three words, the last one partly used
        var parts = LocalParties.Run(n, async s =>
        {
            using var source = new OtPreprocessing(s);
            return await source.TakeComparisonMasksAsync(count, bits, withProducts);
        }, n * bits);
        int words = parts[0].Words, ones = 0;
        ulong XorOf(Func<PackedComparisonMasks, ulong> word) => parts.Aggregate(0UL, (x, m) => x ^ word(m));
        for (int e = 0; e < count; e++)
        {
            ulong r = Sum(parts.Select(m => m.R[e])).Value;
            for (int i = 0; i < bits; i++)
                Assert.Equal((r >> i) & 1, (XorOf(m => m.Bits[i * words + (e >> 6)]) >> (e & 63)) & 1);
            ulong rho = (XorOf(m => m.ConversionBits[e >> 6]) >> (e & 63)) & 1;
            Assert.Equal(rho, Sum(parts.Select(m => m.ConversionValues[e])).Value);
            ones += (int)rho;
            if (withProducts)
                Assert.Equal(new Z2k(rho) * Sum(parts.Select(m => m.ProductMasks![e])), Sum(parts.Select(m => m.ConversionProducts![e])));
        }
        Assert.InRange(ones, 30, 100); // the conversion bit is a fair coin (6 standard deviations)
        Assert.Equal(withProducts, parts[0].ProductMasks is not null);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(2, 5)]
    [InlineData(4, 3)]
    public void AndTuples_HoldTheAndOfEverySubsetOfTheirMasks(int n, int fanIn)
    {
        const int words = 5;
        var tuples = LocalParties.Run(n, async s =>
        {
            using var source = new OtPreprocessing(s);
            return await source.TakeAndTuplesAsync(fanIn, words);
        }, n * fanIn);
        MaterialLaws.AssertAndTuples(tuples);
        Assert.Contains(tuples[0].Shares, word => word != 0);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(3, 5)]
    [InlineData(2, 16)]
    public void PowerMasks_HoldEveryPowerOfTheirMask(int n, int degree)
    {
        const int count = 70;
        var parts = LocalParties.Run(n, async s =>
        {
            using var source = new OtPreprocessing(s);
            return await source.TakePowerMasksAsync(count, degree);
        }, n + degree);
        for (int e = 0; e < count; e++)
        {
            var rho = Sum(parts.Select(m => m.Power(1)[e]));
            var power = rho;
            for (int k = 2; k <= degree; k++)
            {
                power *= rho;
                Assert.Equal(power, Sum(parts.Select(m => m.Power(k)[e])));
            }
        }
    }

    [Theory]
    [InlineData(2, 16, 5)]
    [InlineData(3, 30, 1)]
    [InlineData(4, 0, 3)]
    public void TruncationPowerMasks_HoldThePowersOfTheShiftedLowBits(int n, int bits, int degree)
    {
        const int count = 90;
        var parts = LocalParties.Run(n, async s =>
        {
            using var source = new OtPreprocessing(s);
            return await source.TakeTruncationPowerMasksAsync(count, bits, degree);
        }, n + bits + degree);
        for (int e = 0; e < count; e++)
        {
            ulong r = Sum(parts.Select(m => m.Masks.R[e])).Value, top = r >> 63, low = (r & ((1UL << 63) - 1)) >> bits;
            Assert.Equal(top, Sum(parts.Select(m => m.Masks.TopBit[e])).Value);
            Assert.Equal(low, Sum(parts.Select(m => m.Masks.LowShifted[e])).Value);
            Assert.Equal(top, Sum(parts.Select(m => m.TopTimesLowPowers[e])).Value);
            ulong power = 1;
            for (int j = 1; j <= degree; j++)
            {
                power = unchecked(power * low);
                Assert.Equal(power, Sum(parts.Select(m => m.LowPowers[(j - 1) * count + e])).Value);
                if (j < degree) Assert.Equal(unchecked(top * power), Sum(parts.Select(m => m.TopTimesLowPowers[j * count + e])).Value);
            }
        }
    }

    [Fact]
    public void SharesOfEachParty_AreUniform_WhateverTheOthersDo()
    {
        // Any one party's triple shares (a coalition of N - 1 = 1 in a 2-party run sees just these and its OT view) are uniform.
        var shares = LocalParties.Run(2, async s =>
        {
            using var source = new OtPreprocessing(s);
            return await source.TakeTriplesAsync(4096);
        }, 9)[1];
        foreach (var (name, values) in new[] { ("a", shares.A), ("b", shares.B), ("c", shares.C) })
        {
            var counts = new long[64];
            foreach (var v in values) counts[v.Value >> 58]++;
            ChiSquare.AssertUniform(counts, $"party 1's shares of {name}");
        }
    }

    [Fact]
    public void ConcurrentRequests_AreServedInCallOrder()
    {
        // Operations started together (as the products of one tree level are) must pair up their OT batches alike.
        var parts = LocalParties.Run(3, async s =>
        {
            using var source = new OtPreprocessing(s);
            var first = source.TakeTriplesAsync(500).AsTask();
            var second = source.TakeMatrixTripleAsync(4, 3, 2).AsTask();
            var third = source.TakeTriplesAsync(3).AsTask();
            return (await first, await second, await third);
        }, 3);
        foreach (var pick in new Func<(BeaverTriples<Z2k>, MatrixTriple<Z2k>, BeaverTriples<Z2k>), BeaverTriples<Z2k>>[]
            { t => t.Item1, t => t.Item3 })
        {
            var triples = parts.Select(pick).ToArray();
            for (int i = 0; i < triples[0].Count; i++)
                Assert.Equal(Sum(triples.Select(t => t.A[i])) * Sum(triples.Select(t => t.B[i])), Sum(triples.Select(t => t.C[i])));
        }
        var matrices = parts.Select(p => p.Item2).ToArray();
        var product = new Z2k[8];
        VectorMath.MatrixMultiply<Z2k>(
            Enumerable.Range(0, 12).Select(i => Sum(matrices.Select(m => m.A[i]))).ToArray(),
            Enumerable.Range(0, 6).Select(i => Sum(matrices.Select(m => m.B[i]))).ToArray(), product, 4, 3, 2);
        Assert.Equal(product, Enumerable.Range(0, 8).Select(i => Sum(matrices.Select(m => m.C[i]))).ToArray());
    }
}
