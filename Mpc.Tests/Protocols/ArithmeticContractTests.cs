using System.Numerics;
using FsCheck.Xunit;
using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;
using Mpc.Protocols;
using Mpc.Protocols.FixedPoint;
using Mpc.Tests.Protocols.Harness;
using static Mpc.Tests.Arbitraries.Elements;
using Mpc.Protocols.Common;

namespace Mpc.Tests.Protocols;

/// <summary>
/// One contract for every arithmetic suite: each operation, run by N parties over the in-memory transport,
/// opens to the plaintext result. Derived classes name the suite and the party counts it allows.
/// </summary>
public abstract class ArithmeticContractTests<T> where T : unmanaged, IRing<T>
{
    /// <summary>The suite for one party (a suite made in rounds overrides <see cref="CreateSuiteAsync"/> instead).</summary>
    protected virtual IArithmeticSuite<T> CreateSuite(Session session) =>
        throw new NotImplementedException("The contract needs CreateSuite or CreateSuiteAsync.");

    /// <summary>The suite for one party, made by <see cref="CreateSuite"/> unless overridden.</summary>
    protected virtual ValueTask<IArithmeticSuite<T>> CreateSuiteAsync(Session session) => new(CreateSuite(session));

    /// <summary>The smallest N the suite allows.</summary>
    protected abstract int MinParties { get; }

    /// <summary>The largest N tested.</summary>
    protected virtual int MaxParties => 7;

    /// <summary>
    /// Runs <paramref name="party"/> at N parties in this process (a suite that needs more than its parties, such as an
    /// external dealer, overrides it).
    /// </summary>
    protected virtual TResult[] RunParties<TResult>(int n, Func<Session, Task<TResult>> party, int seed = 0) =>
        LocalParties.Run(n, party, seed);

    protected int PickN(byte b) => MinParties + b % (MaxParties - MinParties + 1);

    /// <summary>A property of the suite as N parties build it (some depend on N).</summary>
    protected TResult Probe<TResult>(int n, Func<IArithmeticSuite<T>, TResult> read) =>
        RunParties(n, async s => read(await CreateSuiteAsync(s)))[0];

    /// <summary>Uniform signed values in [-2^(bits-1), 2^(bits-1)).</summary>
    protected static T[] Signed(int seed, int length, int bits)
    {
        var prg = Prg(seed);
        var raw = new ulong[2 * length];
        prg.Fill(System.Runtime.InteropServices.MemoryMarshal.AsBytes(raw.AsSpan()));
        var result = new T[length];
        for (int i = 0; i < length; i++)
        {
            var wide = (Int128)(((UInt128)raw[2 * i + 1] << 64) | raw[2 * i]);
            result[i] = T.FromInt128(bits >= 128 ? wide : (wide << (128 - bits)) >> (128 - bits));
        }
        return result;
    }

    [Property(MaxTest = 20)]
    public void Input_ThenOpen_GivesTheOwnersValues(int seed, byte nByte, byte lengthByte, byte ownerByte)
    {
        int n = PickN(nByte), length = lengthByte % 20, owner = ownerByte % n;
        var values = Vector<T>(seed, length);
        var results = RunParties(n, async s =>
        {
            var suite = await CreateSuiteAsync(s);
            var x = await suite.InputAsync(owner, s.PartyId == owner ? values : ReadOnlyMemory<T>.Empty, length);
            return await suite.OpenAsync(x);
        }, seed);
        foreach (var r in results) Assert.Equal(values, r);
    }

    [Property(MaxTest = 20)]
    public void LinearOperations_OpenToPlaintext(int seed, byte nByte, byte lengthByte)
    {
        int n = PickN(nByte), length = 1 + lengthByte % 20;
        T[] x = Vector<T>(seed, length), y = Vector<T>(seed + 1, length), c = Vector<T>(seed + 2, length);
        T k = Vector<T>(seed + 3, 1)[0];
        var results = RunParties(n, async s =>
        {
            var suite = await CreateSuiteAsync(s);
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<T>.Empty, length);
            var sy = await suite.InputAsync(n - 1, s.PartyId == n - 1 ? y : ReadOnlyMemory<T>.Empty, length);
            var combined = suite.Add(suite.Subtract(suite.Scale(sx, k), sy), suite.AddPublic(suite.MultiplyPublic(sy, c), c));
            var constant = suite.Constant(c);
            return (await suite.OpenAsync(combined), await suite.OpenAsync(constant));
        }, seed);
        var expected = new T[length];
        for (int i = 0; i < length; i++) expected[i] = k * x[i] - y[i] + (c[i] * y[i] + c[i]);
        foreach (var (combined, constant) in results)
        {
            Assert.Equal(expected, combined);
            Assert.Equal(c, constant);
        }
    }

    [Property(MaxTest = 20)]
    public void Multiply_OpensToPlainProduct(int seed, byte nByte, byte lengthByte)
    {
        int n = PickN(nByte), length = lengthByte % 40;
        T[] x = Vector<T>(seed, length), y = Vector<T>(seed + 1, length);
        var results = RunParties(n, async s =>
        {
            var suite = await CreateSuiteAsync(s);
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<T>.Empty, length);
            var sy = await suite.InputAsync(1, s.PartyId == 1 ? y : ReadOnlyMemory<T>.Empty, length);
            var product = await suite.MultiplyAsync(sx, sy);
            var square = await suite.MultiplyAsync(product, sx); // products compose
            return (await suite.OpenAsync(product), await suite.OpenAsync(square));
        }, seed);
        foreach (var (product, square) in results)
            for (int i = 0; i < length; i++)
            {
                Assert.Equal(x[i] * y[i], product[i]);
                Assert.Equal(x[i] * y[i] * x[i], square[i]);
            }
    }

    [Property(MaxTest = 15)]
    public void Powers_OpenToPlainPowers_EveryDegree(int seed, byte nByte, byte lengthByte, byte degreeByte)
    {
        int n = PickN(nByte), length = lengthByte % 30, degree = 1 + degreeByte % 9;
        var x = Vector<T>(seed, length);
        if (length > 2)
        {
            x[0] = T.Zero;
            x[1] = T.FromInt64(-1);
        }
        var results = RunParties(n, async s =>
        {
            var suite = await CreateSuiteAsync(s);
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<T>.Empty, length);
            var powers = await suite.PowersAsync(sx, degree);
            var cube = await suite.PowersAsync(await suite.PowersAsync(sx, 1), 3); // powers compose with later operations
            return (await suite.OpenAsync(powers), await suite.OpenAsync(cube));
        }, seed);
        foreach (var (powers, cube) in results)
        {
            Assert.Equal(degree * length, powers.Length);
            for (int i = 0; i < length; i++)
            {
                var expected = T.One;
                for (int k = 1; k <= degree; k++)
                {
                    expected *= x[i];
                    Assert.Equal(expected, powers[(k - 1) * length + i]);
                }
                Assert.Equal(x[i] * x[i] * x[i], cube[2 * length + i]);
            }
        }
    }

    [Property(MaxTest = 15)]
    public void MatrixMultiply_OpensToPlainMatrixProduct(int seed, byte nByte, byte r, byte k, byte c)
    {
        int n = PickN(nByte), rows = 1 + r % 6, inner = 1 + k % 7, columns = 1 + c % 5;
        T[] a = Vector<T>(seed, rows * inner), b = Vector<T>(seed + 1, inner * columns);
        var results = RunParties(n, async s =>
        {
            var suite = await CreateSuiteAsync(s);
            var sa = await suite.InputAsync(0, s.PartyId == 0 ? a : ReadOnlyMemory<T>.Empty, a.Length);
            var sb = await suite.InputAsync(n - 1, s.PartyId == n - 1 ? b : ReadOnlyMemory<T>.Empty, b.Length);
            return await suite.OpenAsync(await suite.MatrixMultiplyAsync(sa, sb, rows, inner, columns));
        }, seed);
        var expected = new T[rows * columns];
        VectorMath.MatrixMultiply<T>(a, b, expected, rows, inner, columns);
        foreach (var result in results) Assert.Equal(expected, result);
    }

    [Property(MaxTest = 12)]
    public void PreparedMatrix_BothProducts_MatchPlain_RepeatedAndOnRowViews(int seed, byte nByte, byte r, byte k, byte c)
    {
        int n = PickN(nByte), rows = 2 + r % 7, width = 1 + k % 6, columns = 1 + c % 3;
        int first = r % (rows - 1), count = rows - first - (c % 2); // a view of consecutive rows, possibly the last ones
        T[] x = Vector<T>(seed, rows * width);
        T[][] ys = [Vector<T>(seed + 1, width * columns), Vector<T>(seed + 2, width * columns)];
        T[] z = Vector<T>(seed + 3, rows * columns), zView = Vector<T>(seed + 4, count * columns);
        var results = RunParties(n, async s =>
        {
            var suite = await CreateSuiteAsync(s);
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<T>.Empty, x.Length);
            var prepared = await suite.PrepareMatrixAsync(sx, rows, width);
            var opened = new List<T[]>();
            foreach (var y in ys) // the same X, reused
            {
                var sy = await suite.InputAsync(n - 1, s.PartyId == n - 1 ? y : ReadOnlyMemory<T>.Empty, y.Length);
                opened.Add(await suite.OpenAsync(await suite.MatrixMultiplyAsync(prepared, sy, columns)));
            }
            var sz = await suite.InputAsync(n - 1, s.PartyId == n - 1 ? z : ReadOnlyMemory<T>.Empty, z.Length);
            opened.Add(await suite.OpenAsync(await suite.TransposedMatrixMultiplyAsync(prepared, sz, columns)));
            var view = prepared.SelectRows(first, count);
            var sy0 = await suite.InputAsync(n - 1, s.PartyId == n - 1 ? ys[0] : ReadOnlyMemory<T>.Empty, ys[0].Length);
            opened.Add(await suite.OpenAsync(await suite.MatrixMultiplyAsync(view, sy0, columns)));
            var szView = await suite.InputAsync(0, s.PartyId == 0 ? zView : ReadOnlyMemory<T>.Empty, zView.Length);
            opened.Add(await suite.OpenAsync(await suite.TransposedMatrixMultiplyAsync(view, szView, columns)));
            return opened;
        }, seed);

        var xView = x.AsSpan(first * width, count * width).ToArray();
        T[][] expected =
        [
            Product(x, ys[0], rows, width, columns, transposed: false),
            Product(x, ys[1], rows, width, columns, transposed: false),
            Product(x, z, rows, width, columns, transposed: true),
            Product(xView, ys[0], count, width, columns, transposed: false),
            Product(xView, zView, count, width, columns, transposed: true),
        ];
        foreach (var opened in results)
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], opened[i]);

        static T[] Product(T[] a, T[] b, int rows, int width, int columns, bool transposed)
        {
            var result = new T[(transposed ? width : rows) * columns];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < width; j++)
                    for (int col = 0; col < columns; col++)
                    {
                        if (transposed) result[j * columns + col] += a[i * width + j] * b[i * columns + col];
                        else result[i * columns + col] += a[i * width + j] * b[j * columns + col];
                    }
            return result;
        }
    }

    [Property(MaxTest = 15)]
    public void OpenTo_RevealsToTheReceiverOnly(int seed, byte nByte, byte receiverByte)
    {
        int n = PickN(nByte), receiver = receiverByte % n;
        var x = Vector<T>(seed, 9);
        var results = RunParties(n, async s =>
        {
            var suite = await CreateSuiteAsync(s);
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<T>.Empty, x.Length);
            return await suite.OpenToAsync(receiver, sx);
        }, seed);
        for (int p = 0; p < n; p++)
        {
            if (p == receiver) Assert.Equal(x, results[p]);
            else Assert.Null(results[p]);
        }
    }

    [Fact]
    public void PreparedMatrix_WrongShapedOperand_IsRefusedNamingTheShapes()
    {
        int n = MinParties;
        var messages = RunParties(n, async s =>
        {
            var suite = await CreateSuiteAsync(s);
            var x = await suite.InputAsync(0, s.PartyId == 0 ? new T[6] : ReadOnlyMemory<T>.Empty, 6);
            var prepared = await suite.PrepareMatrixAsync(x, 2, 3);
            var y = suite.Constant(new T[4]);
            var forward = Assert.Throws<ArgumentException>(
                () => suite.MatrixMultiplyAsync(prepared, y, 1).AsTask().GetAwaiter().GetResult());
            var backward = Assert.Throws<ArgumentException>(
                () => suite.TransposedMatrixMultiplyAsync(prepared, y, 1).AsTask().GetAwaiter().GetResult());
            return (forward.Message, backward.Message);
        });
        Assert.Contains("The right operand of X Y for a 2x3 X with 1 columns needs 3 elements, got 4.", messages[0].Item1);
        Assert.Contains("The right operand of X^T Y for a 2x3 X with 1 columns needs 2 elements, got 4.", messages[0].Item2);
    }
}

/// <summary>
/// The contract of a suite that also computes on fixed point: truncation, comparisons and the capabilities built on them.
/// </summary>
public abstract class FixedPointContractTests<T> : ArithmeticContractTests<T> where T : unmanaged, IRing<T>
{

    /// <summary>
    /// Whether a truncation (alone or after a product) takes all its tags and preprocessing when it starts; a suite whose
    /// truncation makes its masks as it goes (Shamir's random-bit masks) takes more later, and must run alone.
    /// </summary>
    protected virtual bool TruncationTakesAllWhenStarted => true;

    /// <summary>Whether vectors wrapped from raw shares enter the suite (an actively secure suite refuses them: no MACs).</summary>
    protected virtual bool AcceptsRawShares => true;

    [Property(MaxTest = 15)]
    public void TruncatedPowers_ArePowersOfOneTruncationWithinTheBound(int seed, byte nByte, byte bitsByte, byte degreeByte)
    {
        int n = PickN(nByte), length = 40, degree = 1 + degreeByte % 7, shift = 1 + bitsByte % 40;
        int bound = Probe(n, suite => suite.TruncationErrorBound);
        // |x| < 2^(shift + 8): the truncation stays below 2^8 + bound and its powers well inside every ring.
        var x = Signed(seed, length, shift + 9);
        x[0] = T.Zero;
        x[1] = T.FromInt128(-(Int128.One << (shift + 8)));
        x[2] = T.FromInt128((Int128.One << (shift + 8)) - 1);
        var results = RunParties(n, async s =>
        {
            var suite = await CreateSuiteAsync(s);
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<T>.Empty, length);
            return await suite.OpenAsync(await suite.TruncatedPowersAsync(sx, shift, degree));
        }, seed);
        var powers = results[0];
        Assert.Equal(degree * length, powers.Length);
        for (int i = 0; i < length; i++)
        {
            var t = T.ToSignedInt128(powers[i]);
            var floor = T.ToSignedInt128(x[i]) >> shift;
            Assert.True(t >= floor - bound && t <= floor + bound, $"trunc({T.ToSignedInt128(x[i])}, {shift}) gave {t}, floor {floor}");
            var expected = T.One;
            for (int k = 1; k <= degree; k++)
            {
                expected *= powers[i];
                Assert.Equal(expected, powers[(k - 1) * length + i]);
            }
        }
    }

    [Property(MaxTest = 8)]
    public void PreparedMatrix_FixedPointProducts_WithinTheTruncationBound(int seed, byte nByte, byte r)
    {
        int n = PickN(nByte), rows = 1 + r % 9, width = 4;
        int bound = Probe(n, suite => suite.TruncationErrorBound);
        var format = new FixedPointFormat(16);
        var prg = Prg(seed);
        double[] x = Enumerable.Range(0, rows * width).Select(_ => (prg.NextUniform<Z2k>().Value % 20_000) / 1000.0 - 10).ToArray();
        double[] w = Enumerable.Range(0, width).Select(_ => (prg.NextUniform<Z2k>().Value % 2_000) / 1000.0 - 1).ToArray();
        double[] g = Enumerable.Range(0, rows).Select(_ => (prg.NextUniform<Z2k>().Value % 2_000) / 1000.0 - 1).ToArray();
        var results = RunParties(n, async s =>
        {
            var fx = new FixedPointArithmetic<T>(await CreateSuiteAsync(s), format);
            var prepared = await fx.PrepareMatrixAsync(await fx.InputAsync(0, x, x.Length), rows, width);
            var forward = await fx.OpenAsync(await fx.MatrixMultiplyAsync(prepared, await fx.InputAsync(n - 1, w, width), 1));
            var backward = await fx.OpenAsync(await fx.TransposedMatrixMultiplyAsync(prepared, await fx.InputAsync(n - 1, g, rows), 1));
            return (forward, backward);
        }, seed);
        double tolerance = (bound + 1) * format.Resolution;
        double E(double v) => format.Decode(format.Encode<T>(v));
        for (int i = 0; i < rows; i++)
        {
            double expected = Enumerable.Range(0, width).Sum(j => E(x[i * width + j]) * E(w[j]));
            Assert.True(Math.Abs(results[0].forward[i] - expected) <= tolerance,
                $"X w [{i}]: expected {expected}, got {results[0].forward[i]}");
        }
        for (int j = 0; j < width; j++)
        {
            double expected = Enumerable.Range(0, rows).Sum(i => E(x[i * width + j]) * E(g[i]));
            Assert.True(Math.Abs(results[0].backward[j] - expected) <= tolerance,
                $"X^T g [{j}]: expected {expected}, got {results[0].backward[j]}");
        }
    }

    [Property(MaxTest = 20)]
    public void Truncation_ErrorWithinTheSuitesBound_OverTheWholeRange(int seed, byte nByte, byte bitsByte)
    {
        int n = PickN(nByte), length = 64;
        int bits = 1 + bitsByte % 40;
        var (probe, bound) = Probe(n, suite => (suite.TruncationInputBits, suite.TruncationErrorBound));
        var x = Signed(seed, length, probe);
        // Include the ends of the range and values around zero.
        x[0] = T.FromInt128(-(Int128.One << (probe - 1)));
        x[1] = T.FromInt128((Int128.One << (probe - 1)) - 1);
        x[2] = T.Zero;
        x[3] = T.FromInt64(-1);
        var results = RunParties(n, async s =>
        {
            var suite = await CreateSuiteAsync(s);
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<T>.Empty, length);
            return await suite.OpenAsync(await suite.TruncateAsync(sx, bits));
        }, seed);
        for (int i = 0; i < length; i++)
        {
            BigInteger exact = BigInteger.Divide(
                (BigInteger)T.ToSignedInt128(x[i]) - ((BigInteger)T.ToSignedInt128(x[i]) & ((BigInteger.One << bits) - 1)),
                BigInteger.One << bits);
            BigInteger got = T.ToSignedInt128(results[0][i]);
            Assert.True(BigInteger.Abs(got - exact) <= bound, $"x index {i}: floor(x/2^{bits}) = {exact}, got {got}, bound {bound}");
        }
    }

    [Property(MaxTest = 10)]
    public void FixedPointPublicOperations_OpenToPlaintext(int seed, byte nByte, byte receiverByte, sbyte k)
    {
        int n = PickN(nByte), receiver = receiverByte % n, length = 16;
        int bound = Probe(n, suite => suite.TruncationErrorBound);
        var format = new FixedPointFormat(16);
        var prg = Prg(seed);
        double[] x = Enumerable.Range(0, length).Select(_ => (prg.NextUniform<Z2k>().Value % 200_000) / 1000.0 - 100).ToArray();
        double[] c = Enumerable.Range(0, length).Select(_ => (prg.NextUniform<Z2k>().Value % 20_000) / 1000.0 - 10).ToArray();
        var results = RunParties(n, async s =>
        {
            var fx = new FixedPointArithmetic<T>(await CreateSuiteAsync(s), format);
            var sx = await fx.InputAsync(0, x, length);
            // The custom-protocol entry point, where the suite takes raw shares (an actively secure one takes only its own).
            var rewrapped = AcceptsRawShares ? SharedVector<T>.FromShares(sx.LocalShares) : sx;
            return (Scaled: await fx.OpenAsync(await fx.ScaleAsync(sx, -0.375)),
                    Products: await fx.OpenAsync(await fx.MultiplyPublicAsync(sx, c)),
                    Multiples: await fx.OpenAsync(fx.ScaleByInteger(rewrapped, k)),
                    ToReceiver: await fx.OpenToAsync(receiver, fx.AddPublic(sx, c)));
        }, seed);
        double tolerance = (bound + 1) * format.Resolution;
        for (int i = 0; i < length; i++)
        {
            double ex = format.Decode(format.Encode<T>(x[i])), ec = format.Decode(format.Encode<T>(c[i]));
            Assert.True(Math.Abs(results[0].Scaled[i] - ex * -0.375) <= tolerance, $"scale: {ex} * -0.375 gave {results[0].Scaled[i]}");
            Assert.True(Math.Abs(results[0].Products[i] - ex * ec) <= tolerance,
                $"public product: {ex} * {ec} gave {results[0].Products[i]}");
            Assert.Equal(ex * k, results[0].Multiples[i]);
        }
        for (int p = 0; p < n; p++)
        {
            if (p != receiver) { Assert.Null(results[p].ToReceiver); continue; }
            for (int i = 0; i < length; i++)
                Assert.Equal(format.Decode(format.Encode<T>(x[i])) + format.Decode(format.Encode<T>(c[i])), results[p].ToReceiver![i], 9);
        }
    }

    [Property(MaxTest = 10)]
    public void FixedPointMatrixMultiply_WithinTheBoundOfThePlainProduct(int seed, byte nByte, byte r, byte k)
    {
        int n = PickN(nByte), rows = 1 + r % 5, inner = 1 + k % 9, columns = 3;
        int bound = Probe(n, suite => suite.TruncationErrorBound);
        var format = new FixedPointFormat(16);
        var prg = Prg(seed);
        double[] a = Enumerable.Range(0, rows * inner).Select(_ => (prg.NextUniform<Z2k>().Value % 200_000) / 1000.0 - 100).ToArray();
        double[] b = Enumerable.Range(0, inner * columns).Select(_ => (prg.NextUniform<Z2k>().Value % 20_000) / 1000.0 - 10).ToArray();
        var results = RunParties(n, async s =>
        {
            var fx = new FixedPointArithmetic<T>(await CreateSuiteAsync(s), format);
            var sa = await fx.InputAsync(0, a, a.Length);
            var sb = await fx.InputAsync(n - 1, b, b.Length);
            return await fx.OpenAsync(await fx.MatrixMultiplyAsync(sa, sb, rows, inner, columns));
        }, seed);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
            {
                double expected = 0;
                for (int x = 0; x < inner; x++)
                    expected += format.Decode(format.Encode<T>(a[i * inner + x])) * format.Decode(format.Encode<T>(b[x * columns + j]));
                Assert.True(Math.Abs(results[0][i * columns + j] - expected) <= (bound + 1) * format.Resolution,
                    $"[{i},{j}] expected {expected}, got {results[0][i * columns + j]}");
            }
    }

    [Property(MaxTest = 12)]
    public void LessThanZero_AgreesWithPlainSign_IncludingZeroAndExtremes(int seed, byte nByte, byte bitsByte)
    {
        // An odd length: suites that pack several values to a word leave the last word part-filled.
        int n = PickN(nByte), length = 23;
        var maxBits = Probe(n, suite => suite.TruncationInputBits); // depends on N
        int bits = 2 + bitsByte % (maxBits - 1);
        var x = Signed(seed, length, bits);
        x[0] = T.FromInt128(-(Int128.One << (bits - 1)));
        x[1] = T.FromInt128((Int128.One << (bits - 1)) - 1);
        x[2] = T.Zero;
        x[3] = T.FromInt64(-1);
        x[4] = T.One;
        var results = RunParties(n, async s =>
        {
            var suite = await CreateSuiteAsync(s);
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<T>.Empty, length);
            return await suite.OpenAsync(await suite.LessThanZeroAsync(sx, bits));
        }, seed);
        for (int i = 0; i < length; i++)
            Assert.Equal(T.ToSignedInt128(x[i]) < 0 ? T.One : T.Zero, results[0][i]);
    }

    [Property(MaxTest = 12)]
    public void LessThanZeroCoarse_IsExactOutsideItsTolerance_AndABitInside(int seed, byte nByte, byte bitsByte, byte ignoredByte)
    {
        int n = PickN(nByte), length = 63;
        var maxBits = Probe(n, suite => suite.TruncationInputBits);
        int bits = 3 + bitsByte % (maxBits - 2), ignored = ignoredByte % (bits - 1);
        // Inputs in [-2^(b-1), 2^(b-1) - 2^j), a fourth of them within the tolerance (-2^j, 0), and both ends.
        var x = Signed(seed, length, bits);
        var near = Signed(seed + 1, length, ignored + 1);
        long top = (1L << (bits - 1)) - (1L << ignored);
        for (int i = 0; i < length; i++)
        {
            var v = T.ToSignedInt128(x[i]);
            if (i % 4 == 0) v = -(Int128)Math.Abs((long)T.ToSignedInt128(near[i])) - 1;
            if (v >= top) v -= Int128.One << ignored;
            x[i] = T.FromInt128(v);
        }
        x[1] = T.FromInt128(-(Int128.One << (bits - 1)));
        x[2] = T.FromInt128(top - 1);
        x[3] = T.Zero;
        x[5] = T.FromInt128(-(Int128.One << ignored) - 1);
        var results = RunParties(n, async s =>
        {
            var suite = await CreateSuiteAsync(s);
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<T>.Empty, length);
            return await suite.OpenAsync(await suite.LessThanZeroCoarseAsync(sx, bits, ignored));
        }, seed);
        for (int i = 0; i < length; i++)
        {
            var v = T.ToSignedInt128(x[i]);
            var result = results[0][i];
            if (v >= 0) Assert.True(result == T.Zero, $"{v} >= 0 compared as negative");
            else if (v < -(Int128.One << ignored)) Assert.True(result == T.One, $"{v} < -2^{ignored} compared as not negative");
            else Assert.True(result == T.Zero || result == T.One, $"{v}: not a bit");
        }
    }

    [Property(MaxTest = 12)]
    public void LessThanZeroAndProduct_GivesBitsAndProducts_LateMultiplicand(int seed, byte nByte, byte bitsByte, byte lengthByte)
    {
        int n = PickN(nByte), length = 1 + lengthByte % 70;
        var maxBits = Probe(n, suite => suite.TruncationInputBits);
        int bits = 3 + bitsByte % (maxBits - 2);
        var x = Signed(seed, length, bits - 1); // exact range: no value within the tolerance of 0 below
        var y = Vector<T>(seed + 1, length);
        x[0] = T.Zero;
        var results = RunParties(n, async s =>
        {
            var suite = await CreateSuiteAsync(s);
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<T>.Empty, length);
            var sy = await suite.InputAsync(n - 1, s.PartyId == n - 1 ? y : ReadOnlyMemory<T>.Empty, length);
            var three = suite.Constant(Enumerable.Repeat(T.FromInt64(3), length).ToArray());
            var multiplicand = new TaskCompletionSource<SharedVector<T>>();
            // Where the comparison may run beside other operations, the multiplicand is made after it started (a
            // product of its own, as a sigmoid's polynomial); elsewhere before.
            bool meanwhile = suite.SpeculativeComparison is not null;
            if (!meanwhile) multiplicand.SetResult(await suite.MultiplyAsync(sy, three));
            var selection = suite.LessThanZeroAndProductAsync(sx, bits, 0, multiplicand.Task);
            if (meanwhile) multiplicand.SetResult(await suite.MultiplyAsync(sy, three));
            var (lessThanZero, products) = await selection;
            return (await suite.OpenAsync(lessThanZero), await suite.OpenAsync(products));
        }, seed);
        foreach (var (lessThanZero, products) in results)
            for (int i = 0; i < length; i++)
            {
                var bit = T.ToSignedInt128(x[i]) < 0 ? T.One : T.Zero;
                Assert.Equal(bit, lessThanZero[i]);
                Assert.Equal(bit * y[i] * T.FromInt64(3), products[i]);
            }
    }

    [Property(MaxTest = 15)]
    public void FixedPointMultiply_WithinTheTruncationBoundOfThePlainProduct(int seed, byte nByte)
    {
        int n = PickN(nByte), length = 32;
        int bound = Probe(n, suite => suite.TruncationErrorBound);
        var format = new FixedPointFormat(16);
        var prg = Prg(seed);
        double[] x = new double[length], y = new double[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = (prg.NextUniform<Z2k>().Value % 2_000_000 / 1000.0 - 1000) ; // [-1000, 1000)
            y[i] = (prg.NextUniform<Z2k>().Value % 2_000_000 / 100_000.0 - 10); // [-10, 10)
        }
        var results = RunParties(n, async s =>
        {
            var fx = new FixedPointArithmetic<T>(await CreateSuiteAsync(s), format);
            var sx = await fx.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<double>.Empty, length);
            var sy = await fx.InputAsync(n - 1, s.PartyId == n - 1 ? y : ReadOnlyMemory<double>.Empty, length);
            return await fx.OpenAsync(await fx.MultiplyAsync(sx, sy));
        }, seed);
        for (int i = 0; i < length; i++)
        {
            double ex = format.Decode(format.Encode<T>(x[i])), ey = format.Decode(format.Encode<T>(y[i]));
            Assert.True(Math.Abs(results[0][i] - ex * ey) <= (bound + 1) * format.Resolution, $"{ex} * {ey}: got {results[0][i]}");
        }
    }

    /// <summary>
    /// Products with their truncation pair up with the operation started right after them at every party, even where a
    /// party finishes them before it starts that operation (as a party whose thread is preempted between two statements
    /// does, while the product's later steps run on another): each took all its tags and preprocessing when it started.
    /// Parties marked late finish each product-and-truncate first; the others start the product after it at once.
    /// </summary>
    [Property(MaxTest = 10)]
    public void ProductsAndTruncations_PairUp_WhenALaterOperationRunsFirst(int seed, byte nByte, byte lateByte)
    {
        if (!TruncationTakesAllWhenStarted) return;
        int n = PickN(nByte), rows = 6, width = 3;
        var late = Enumerable.Range(0, n).Select(p => ((lateByte >> (p % 8)) & 1) == 1).ToArray();
        if (late.All(l => l) || late.All(l => !l)) late[0] = !late[0];
        int bound = Probe(n, suite => suite.TruncationErrorBound);
        var format = new FixedPointFormat(16);
        var prg = Prg(seed);
        double Next(double range) => (prg.NextUniform<Z2k>().Value % 2_000) / 1000.0 * range - range;
        double[] x = Enumerable.Range(0, rows * width).Select(_ => Next(4)).ToArray(),
            w = Enumerable.Range(0, width).Select(_ => Next(1)).ToArray();
        double[] g = Enumerable.Range(0, rows).Select(_ => Next(1)).ToArray(), a = Enumerable.Range(0, 5).Select(_ => Next(8)).ToArray();
        var results = RunParties(n, async s =>
        {
            var fx = new FixedPointArithmetic<T>(await CreateSuiteAsync(s), format);
            var suite = fx.Suite;
            var sx = await fx.InputAsync(0, x, x.Length);
            var prepared = await fx.PrepareMatrixAsync(sx, rows, width);
            var sw = await fx.InputAsync(n - 1, w, width);
            var sg = await fx.InputAsync(n - 1, g, rows);
            var sa = await fx.InputAsync(0, a, a.Length);
            var opened = new List<double[]>();
            foreach (var start in new Func<ValueTask<SharedVector<T>>>[]
            {
                () => fx.MatrixMultiplyAsync(prepared, sw, 1),
                () => fx.TransposedMatrixMultiplyAsync(prepared, sg, 1),
                () => fx.MatrixMultiplyAsync(sx, sw, rows, width, 1),
                () => fx.MultiplyAsync(sa, sa),
                () => fx.Suite.TruncateAsync(fx.Suite.Scale(sa, T.FromInt64(1 << 16)), 16),
            })
            {
                var first = start();
                if (late[s.PartyId]) await first;
                var second = suite.MultiplyAsync(sa, sa);   // raw: its length and tag differ from the first's
                opened.Add(await fx.OpenAsync(await first));
                opened.Add(format.Decode<T>(await suite.OpenAsync(await second)).Select(v => Math.ScaleB(v, -16)).ToArray());
            }
            return opened;
        }, seed);
        double E(double v) => format.Decode(format.Encode<T>(v));
        double tolerance = (bound + 1) * format.Resolution;
        var expected = new List<double[]>
        {
            Enumerable.Range(0, rows).Select(i => Enumerable.Range(0, width).Sum(j => E(x[i * width + j]) * E(w[j]))).ToArray(),
            Enumerable.Range(0, width).Select(j => Enumerable.Range(0, rows).Sum(i => E(x[i * width + j]) * E(g[i]))).ToArray(),
            Enumerable.Range(0, rows).Select(i => Enumerable.Range(0, width).Sum(j => E(x[i * width + j]) * E(w[j]))).ToArray(),
            a.Select(v => E(v) * E(v)).ToArray(),
            a.Select(E).ToArray(),
        };
        foreach (var r in results)
            for (int k = 0; k < expected.Count; k++)
            {
                for (int i = 0; i < expected[k].Length; i++)
                    Assert.True(Math.Abs(r[2 * k][i] - expected[k][i]) <= tolerance,
                        $"operation {k}, element {i}: expected {expected[k][i]}, got {r[2 * k][i]}");
                for (int i = 0; i < a.Length; i++)
                    Assert.True(Math.Abs(r[2 * k + 1][i] - E(a[i]) * E(a[i])) <= format.Resolution,
                        $"the product after operation {k}, element {i}");
            }
    }

    /// <summary>
    /// Each capability a suite declares gives what the generic path (<see cref="SuiteOperations"/> on the core alone)
    /// gives: fused products within the truncation bound of the product then the truncation, fast powers exactly the
    /// tree's powers; the comparisons are checked above through the same extensions.
    /// </summary>
    [Property(MaxTest = 8)]
    public void DeclaredCapabilities_AgreeWithTheGenericPath(int seed, byte nByte)
    {
        int n = PickN(nByte), length = 12;
        int bound = Probe(n, suite => suite.TruncationErrorBound);
        var (fused, powers) = Probe(n, suite => (suite.FusedTruncation is not null, suite.Powers is not null));
        var x = Signed(seed, length, 40);
        var y = Signed(seed + 1, length, 20);
        var small = Signed(seed + 2, length, 12);
        var results = RunParties(n, async s =>
        {
            var suite = await CreateSuiteAsync(s);
            var sx = await suite.InputAsync(0, s.PartyId == 0 ? x : ReadOnlyMemory<T>.Empty, length);
            var sy = await suite.InputAsync(n - 1, s.PartyId == n - 1 ? y : ReadOnlyMemory<T>.Empty, length);
            var ss = await suite.InputAsync(0, s.PartyId == 0 ? small : ReadOnlyMemory<T>.Empty, length);
            T[]? viaFused = suite.FusedTruncation is { } f ? await suite.OpenAsync(await f.MultiplyAndTruncateAsync(sx, sy, 16)) : null;
            var viaCore = await suite.OpenAsync(await suite.TruncateAsync(await suite.MultiplyAsync(sx, sy), 16));
            T[]? viaPowers = suite.Powers is { } p ? await suite.OpenAsync(await p.PowersAsync(ss, 3)) : null;
            var viaTree = await suite.OpenAsync(await PowerTree.PowersAsync(suite, ss, 3, default));
            return (viaFused, viaCore, viaPowers, viaTree);
        }, seed);
        var (fusedResult, coreResult, powersResult, treeResult) = results[0];
        Assert.Equal(fused, fusedResult is not null);
        Assert.Equal(powers, powersResult is not null);
        for (int i = 0; i < length; i++)
        {
            var product = (BigInteger)T.ToSignedInt128(x[i]) * T.ToSignedInt128(y[i]);
            var exact = (product - ((product % 65536) + 65536) % 65536) / 65536; // floor(x y / 2^16)
            Assert.True(BigInteger.Abs(T.ToSignedInt128(coreResult[i]) - exact) <= bound, $"product then truncation, element {i}");
            if (fusedResult is not null)
                Assert.True(BigInteger.Abs(T.ToSignedInt128(fusedResult[i]) - exact) <= bound,
                    $"fused, element {i}: {T.ToSignedInt128(fusedResult[i])} for {exact}");
            if (powersResult is not null)
                for (int k = 0; k < 3; k++) Assert.Equal(treeResult[k * length + i], powersResult[k * length + i]);
        }
    }
}
