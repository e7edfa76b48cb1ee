using FsCheck.Xunit;
using Mpc.Core.Arithmetic;
using static Mpc.Tests.Arbitraries.Elements;

namespace Mpc.Tests.Core.Arithmetic;

/// <summary>The span kernels (SIMD where the ring has a path) agree with element-by-element operators.</summary>
public abstract class VectorMathTests<T> where T : unmanaged, IRing<T>
{
    [Property(MaxTest = 100)]
    public void ElementwiseKernels_MatchScalarOperators(int seed, byte lengthByte)
    {
        int n = lengthByte % 70; // covers empty, shorter than a vector, and remainders
        T[] a = Vector<T>(seed, n), b = Vector<T>(seed + 1, n);
        T s = Vector<T>(seed + 2, 1)[0];
        var d = new T[n];

        VectorMath.Add<T>(a, b, d);
        for (int i = 0; i < n; i++) Assert.Equal(a[i] + b[i], d[i]);
        VectorMath.Subtract<T>(a, b, d);
        for (int i = 0; i < n; i++) Assert.Equal(a[i] - b[i], d[i]);
        VectorMath.Multiply<T>(a, b, d);
        for (int i = 0; i < n; i++) Assert.Equal(a[i] * b[i], d[i]);
        VectorMath.Negate<T>(a, d);
        for (int i = 0; i < n; i++) Assert.Equal(-a[i], d[i]);
        VectorMath.Scale<T>(a, s, d);
        for (int i = 0; i < n; i++) Assert.Equal(s * a[i], d[i]);

        var acc = (T[])b.Clone();
        VectorMath.AddScaled<T>(a, s, acc);
        for (int i = 0; i < n; i++) Assert.Equal(b[i] + s * a[i], acc[i]);
        var small = T.FromInt64(seed & int.MaxValue); // a scalar below 2^64 (evaluation points and their powers)
        acc = (T[])b.Clone();
        VectorMath.AddScaled<T>(a, small, acc);
        for (int i = 0; i < n; i++) Assert.Equal(b[i] + small * a[i], acc[i]);

        T dot = T.Zero;
        for (int i = 0; i < n; i++) dot += a[i] * b[i];
        Assert.Equal(dot, VectorMath.Dot<T>(a, b));
    }

    [Property(MaxTest = 100)]
    public void DotWords_MatchesSumOfWordTimesElement(int seed, byte lengthByte, bool extremes)
    {
        int n = lengthByte % 70;
        T[] b = Vector<T>(seed, n);
        var words = new ulong[n];
        var prg = Prg(seed + 1);
        prg.Fill<ulong>(words);
        if (extremes) // the largest words and the largest elements: every carry of the 256-bit sum taken
            for (int i = 0; i < n; i++) (words[i], b[i]) = (ulong.MaxValue, -T.One);
        T sum = T.Zero;
        for (int i = 0; i < n; i++) sum += T.FromUInt64(words[i]) * b[i];
        Assert.Equal(sum, VectorMath.DotWords<T>(words, b));
    }

    [Property(MaxTest = 50)]
    public void RepeatedSquare_MatchesSquaringOneByOne(int seed, byte lengthByte, byte timesByte)
    {
        int n = lengthByte % 13, times = timesByte % 130; // lengths around the four-at-a-time loop
        T[] x = Vector<T>(seed, n), d = new T[n];
        if (n > 1) (x[0], x[1]) = (-T.One, T.Zero); // the largest element (every carry) and zero, in every run
        if (n > 2) x[2] = -T.FromInt64(2);
        VectorMath.RepeatedSquare<T>(x, times, d);
        for (int i = 0; i < n; i++)
        {
            var expected = x[i];
            for (int k = 0; k < times; k++) expected *= expected;
            Assert.Equal(expected, d[i]);
        }
    }

    [Property(MaxTest = 100)]
    public void LinearCombination_MatchesSumOfScaledTerms(int seed, byte termsByte, byte lengthByte)
    {
        int count = termsByte % 40, n = lengthByte % 70;
        T[] terms = Vector<T>(seed, count * n), scalars = Vector<T>(seed + 1, count), d = Vector<T>(seed + 2, n);
        VectorMath.LinearCombination<T>(terms, scalars, d);
        for (int i = 0; i < n; i++)
        {
            T sum = T.Zero;
            for (int j = 0; j < count; j++) sum += scalars[j] * terms[j * n + i];
            Assert.Equal(sum, d[i]);
        }
    }

    [Property(MaxTest = 100)]
    public void AddCombination_MatchesScaledAdditions(int seed, byte termsByte, byte lengthByte, bool smallScalars)
    {
        int count = termsByte % 12, n = lengthByte % 70;
        var terms = Vector<T>(seed, count * n);
        var scalars = smallScalars // powers of evaluation points: below 2^64, the fast path over 2^127-1
            ? Enumerable.Range(0, count).Select(j => T.FromUInt64(ulong.MaxValue - (ulong)(seed & 0xFFFF) * (ulong)j)).ToArray()
            : Vector<T>(seed + 1, count);
        var start = Vector<T>(seed + 2, n);
        var expected = (T[])start.Clone();
        for (int j = 0; j < count; j++)
            for (int i = 0; i < n; i++) expected[i] += scalars[j] * terms[j * n + i];
        var actual = (T[])start.Clone();
        VectorMath.AddCombination<T>(terms, scalars, actual);
        Assert.Equal(expected, actual);
    }

    [Property(MaxTest = 50)]
    public void Kernels_WorkInPlace(int seed, byte lengthByte)
    {
        int n = lengthByte % 40;
        T[] a = Vector<T>(seed, n), b = Vector<T>(seed + 1, n), expected = new T[n];
        for (int i = 0; i < n; i++) expected[i] = a[i] + b[i];
        VectorMath.Add<T>(a, b, a);
        Assert.Equal(expected, a);
    }

    [Property(MaxTest = 50)]
    public void MatrixMultiply_MatchesTripleLoop(int seed, byte r, byte k, byte c)
    {
        int rows = r % 9, inner = k % 9, columns = c % 13;
        T[] a = Vector<T>(seed, rows * inner), b = Vector<T>(seed + 1, inner * columns), d = new T[rows * columns];
        VectorMath.MatrixMultiply<T>(a, b, d, rows, inner, columns);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
            {
                T sum = T.Zero;
                for (int x = 0; x < inner; x++) sum += a[i * inner + x] * b[x * columns + j];
                Assert.Equal(sum, d[i * columns + j]);
            }
    }

    [Property(MaxTest = 50)]
    public void TransposedMatrixMultiply_MatchesTripleLoopOverTheTranspose(int seed, byte r, byte k, byte c)
    {
        int rows = r % 9, inner = k % 9, columns = c % 13;
        T[] a = Vector<T>(seed, rows * inner), b = Vector<T>(seed + 1, rows * columns), d = new T[inner * columns];
        VectorMath.TransposedMatrixMultiply<T>(a, b, d, rows, inner, columns);
        for (int x = 0; x < inner; x++)
            for (int j = 0; j < columns; j++)
            {
                T sum = T.Zero;
                for (int i = 0; i < rows; i++) sum += a[i * inner + x] * b[i * columns + j];
                Assert.Equal(sum, d[x * columns + j]);
            }
    }

    [Fact]
    public void MismatchedLengths_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => VectorMath.Add<T>(new T[3], new T[4], new T[3]));
        Assert.Throws<ArgumentException>(() => VectorMath.MatrixMultiply<T>(new T[6], new T[6], new T[5], 2, 3, 2));
    }
}

public sealed class Z2kVectorMath : VectorMathTests<Z2k>;
public sealed class Z2k128VectorMath : VectorMathTests<Z2k128>;
public sealed class Mersenne61VectorMath : VectorMathTests<Mersenne61>;
public sealed class Gf256VectorMath : VectorMathTests<Gf256>;
public sealed class Mersenne127VectorMath : VectorMathTests<Mersenne127>
{
    [Fact]
    public void LinearCombination_LargestValues_FoldExactly()
    {
        // p - 1 everywhere: every partial sum at its largest, 1000 terms deep.
        var top = -Mersenne127.One;
        const int count = 1000, n = 3;
        var terms = Enumerable.Repeat(top, count * n).ToArray();
        var scalars = Enumerable.Repeat(top, count).ToArray();
        var d = new Mersenne127[n];
        VectorMath.LinearCombination<Mersenne127>(terms, scalars, d);
        Assert.All(d, v => Assert.Equal(Mersenne127.FromInt64(count), v)); // (p - 1)^2 = 1
    }

    [Fact]
    public void AddCombination_LargestSmallScalars_FoldExactly()
    {
        // p - 1 times 2^64 - 1, 64 terms deep, onto p - 1: every word of the sum at its largest.
        var top = -Mersenne127.One;
        var scalar = Mersenne127.FromUInt64(ulong.MaxValue);
        const int count = 64, n = 3;
        var terms = Enumerable.Repeat(top, count * n).ToArray();
        var d = Enumerable.Repeat(top, n).ToArray();
        VectorMath.AddCombination<Mersenne127>(terms, Enumerable.Repeat(scalar, count).ToArray(), d);
        var expected = top + Mersenne127.FromInt64(count) * top * scalar;
        Assert.All(d, v => Assert.Equal(expected, v));
    }
}
