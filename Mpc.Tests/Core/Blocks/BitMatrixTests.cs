using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Mpc.Core.Blocks;
using Mpc.Core.Random;

namespace Mpc.Tests.Core.Blocks;

public sealed class BitMatrixTests
{
    /// <summary>128 random rows of <paramref name="rowBytes"/> bytes.</summary>
    private static byte[] RandomRows(int rowBytes, int seed)
    {
        var rows = new byte[BitMatrix.Rows * rowBytes];
        var key = new byte[16];
        BitConverter.TryWriteBytes(key, seed);
        using var prg = new AesCtrPrg(key);
        prg.Fill(rows);
        return rows;
    }

    private static Block128[] Naive(byte[] rows, int columns)
    {
        var expected = new Block128[columns];
        BitMatrix.TransposeNaive(rows, expected);
        return expected;
    }

    /// <summary>Row lengths in bytes (any, including ones that are not whole tiles) and a column count that fits.</summary>
    private static Arbitrary<(int RowBytes, int Columns, int Seed)> Shapes() =>
        Arb.From(
            from rowBytes in Gen.Frequency((3, Gen.Choose(1, 80)), (1, Gen.Choose(1, 8).Select(k => 16 * k)))
            from columns in Gen.Frequency((2, Gen.Constant(rowBytes * 8)), (1, Gen.Choose(0, rowBytes * 8)))
            from seed in Gen.Choose(0, int.MaxValue)
            select (rowBytes, columns, seed));

    [Fact]
    public void Naive_IsTheDefinition()
    {
        // One bit set: row 5, column 200 (byte 25, bit 0) becomes bit 5 of block 200 and nothing else.
        var rows = new byte[BitMatrix.Rows * 32];
        rows[5 * 32 + 25] = 1;
        var columns = Naive(rows, 256);
        for (int j = 0; j < 256; j++)
        {
            Assert.Equal(j == 200 ? new Block128(1UL << 5, 0) : Block128.Zero, columns[j]);
        }
        rows = new byte[BitMatrix.Rows * 32];
        rows[100 * 32 + 3] = 0x80; // row 100, column 31
        Assert.Equal(new Block128(0, 1UL << 36), Naive(rows, 256)[31]);
    }

    [Property(MaxTest = 60)]
    public Property Transpose_MatchesNaive() => Prop.ForAll(Shapes(), shape =>
    {
        var rows = RandomRows(shape.RowBytes, shape.Seed);
        var actual = new Block128[shape.Columns];
        BitMatrix.Transpose(rows, actual);
        Assert.Equal(Naive(rows, shape.Columns), actual);
    });

    [Property(MaxTest = 60)]
    public Property Scalar_MatchesNaive() => Prop.ForAll(Shapes(), shape =>
    {
        var rows = RandomRows(shape.RowBytes, shape.Seed);
        var actual = new Block128[shape.Columns];
        BitMatrix.TransposeScalar(rows, shape.RowBytes, actual);
        Assert.Equal(Naive(rows, shape.Columns), actual);
    });

    [Property(MaxTest = 60)]
    public Property Sse2_MatchesNaive() => Prop.ForAll(Shapes(), shape =>
    {
        if (!Sse2.IsSupported) return; // the portable path is what runs then, and is tested above
        var rows = RandomRows(shape.RowBytes, shape.Seed);
        var actual = new Block128[shape.Columns];
        BitMatrix.TransposeSse2(rows, shape.RowBytes, actual, useAvx512: false);
        Assert.Equal(Naive(rows, shape.Columns), actual);
        if (Avx512BW.IsSupported && Vector512.IsHardwareAccelerated)
        {
            Array.Clear(actual);
            BitMatrix.TransposeSse2(rows, shape.RowBytes, actual, useAvx512: true);
            Assert.Equal(Naive(rows, shape.Columns), actual);
        }
    });

    [Fact]
    public void Transpose_Twice_OfASquareMatrix_IsTheIdentity()
    {
        // A 128 x 128 matrix is its own shape after transposition: blocks are rows of 16 bytes.
        var rows = RandomRows(16, 7);
        var once = new Block128[128];
        BitMatrix.Transpose(rows, once);
        var twice = new Block128[128];
        BitMatrix.Transpose(System.Runtime.InteropServices.MemoryMarshal.AsBytes(once.AsSpan()), twice);
        Assert.Equal(rows, System.Runtime.InteropServices.MemoryMarshal.AsBytes(twice.AsSpan()).ToArray());
    }

    [Fact]
    public void Transpose64_SwapsBitsAcrossTheDiagonal()
    {
        var a = new ulong[64];
        a[3] = 1UL << 60;
        a[63] = 1;
        BitMatrix.Transpose64(a);
        var expected = new ulong[64];
        expected[60] = 1UL << 3;
        expected[0] = 1UL << 63;
        Assert.Equal(expected, a);
    }

    [Fact]
    public void Transpose_RefusesBadShapes()
    {
        Assert.Throws<ArgumentException>(() => BitMatrix.Transpose(new byte[100], new Block128[1]));
        Assert.Throws<ArgumentException>(() => BitMatrix.Transpose(new byte[128], new Block128[9]));
    }
}
