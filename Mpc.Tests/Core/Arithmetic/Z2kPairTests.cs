using System.Runtime.InteropServices;
using FsCheck.Xunit;
using Mpc.Core.Arithmetic;
using static Mpc.Tests.Arbitraries.Elements;

namespace Mpc.Tests.Core.Arithmetic;

/// <summary>On its diagonal (where the ring laws' elements land) Z2kPair is Z_2^64.</summary>
public sealed class Z2kPairRingLaws : RingLawTests<Z2kPair> { }

/// <summary>The span kernels on diagonal pairs, as for every ring.</summary>
public sealed class Z2kPairVectorMath : VectorMathTests<Z2kPair>;

/// <summary>Off the diagonal: pairs are the product ring Z_2^64 x Z_2^64, and only the integers embed.</summary>
public sealed class Z2kPairTests
{
    [Property(MaxTest = 300)]
    public void Operators_AreComponentwiseZ2kArithmetic(ulong a0, ulong a1, ulong b0, ulong b1)
    {
        Z2kPair a = new(a0, a1), b = new(b0, b1);
        Z2k x0 = new(a0), x1 = new(a1), y0 = new(b0), y1 = new(b1);
        AssertComponents(x0 + y0, x1 + y1, a + b);
        AssertComponents(x0 - y0, x1 - y1, a - b);
        AssertComponents(x0 * y0, x1 * y1, a * b);
        AssertComponents(-x0, -x1, -a);
        Assert.Equal(a0 == b0 && a1 == b1, a == b);
        Assert.Equal(a0 == a1, a.IsDiagonal);
    }

    [Property(MaxTest = 300)]
    public void Integers_EmbedOnTheDiagonal_SignedLiftReadsFirstComponent(long small, ulong lo, ulong hi, ulong a0, ulong a1)
    {
        var fromSmall = Z2kPair.FromInt64(small);
        Assert.True(fromSmall.IsDiagonal);
        Assert.Equal((ulong)small, fromSmall.First);
        var wide = (Int128)(((UInt128)hi << 64) | lo);
        var fromWide = Z2kPair.FromInt128(wide);
        Assert.True(fromWide.IsDiagonal);
        Assert.Equal(lo, fromWide.First);
        Assert.Equal((Int128)(long)a0, Z2kPair.ToSignedInt128(new Z2kPair(a0, a1)));
        Assert.Equal(new Z2kPair(a0, a0), Z2kPair.Diagonal(a0));
    }

    [Property(MaxTest = 100)]
    public void UniformDraws_AreDiagonal(int seed, byte lengthByte)
    {
        int n = lengthByte % 101;
        var values = new Z2kPair[n];
        Prg(seed).FillUniform<Z2kPair>(values);
        Assert.All(values, v => Assert.True(v.IsDiagonal, $"{v} is off the diagonal"));
        if (n >= 8) Assert.True(values.Select(v => v.First).Distinct().Count() > 1);
    }

    [Property(MaxTest = 100)]
    public void VectorKernels_OnPairsOffTheDiagonal_MatchTheScalarOperators(int seed, byte lengthByte)
    {
        int n = lengthByte % 101; // 0..100: empty, shorter than a vector, and remainders
        Z2kPair[] a = OffDiagonal(seed, n), b = OffDiagonal(seed + 1, n);
        if (n > 0) Assert.False(a[0].IsDiagonal);
        var d = new Z2kPair[n];

        VectorMath.Add<Z2kPair>(a, b, d);
        for (int i = 0; i < n; i++) Assert.Equal(a[i] + b[i], d[i]);
        VectorMath.Subtract<Z2kPair>(a, b, d);
        for (int i = 0; i < n; i++) Assert.Equal(a[i] - b[i], d[i]);
        VectorMath.Multiply<Z2kPair>(a, b, d);
        for (int i = 0; i < n; i++) Assert.Equal(a[i] * b[i], d[i]);
    }

    /// <summary>Pairs with independent components (off the diagonal but with probability 2^-64).</summary>
    private static Z2kPair[] OffDiagonal(int seed, int n)
    {
        var words = new ulong[2 * n];
        Prg(seed).Fill<ulong>(words);
        return MemoryMarshal.Cast<ulong, Z2kPair>(words).ToArray();
    }

    private static void AssertComponents(Z2k first, Z2k second, Z2kPair actual)
    {
        Assert.Equal(first.Value, actual.First);
        Assert.Equal(second.Value, actual.Second);
    }
}
