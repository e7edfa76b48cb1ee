using FsCheck.Xunit;
using Mpc.Core.Arithmetic;
using Mpc.Core.FixedPoint;

namespace Mpc.Tests.Core.FixedPoint;

public abstract class FixedPointTests<T> where T : unmanaged, IRing<T>
{
    /// <summary>A real spread over the whole range of the format: sign, magnitude exponent and mantissa all random.</summary>
    private static double AcrossRange(FixedPointFormat format, ulong bits, int exponentPick)
    {
        int maxExponent = format.SignedBits<T>() - 1 - format.FractionalBits; // |x| < 2^maxExponent
        int exponent = -format.FractionalBits - 4 + (int)((uint)exponentPick % (uint)(maxExponent + format.FractionalBits + 4));
        double mantissa = (bits >> 11) / (double)(1UL << 53); // [0, 1)
        double x = Math.ScaleB(mantissa, exponent);
        return (bits & 1) == 0 ? x : -x;
    }

    [Property(MaxTest = 500)]
    public void FixedPoint_RoundTripError_AtMostHalfAnUlp(ulong bits, int exponentPick, byte fPick)
    {
        var format = new FixedPointFormat(fPick % 33);
        double x = AcrossRange(format, bits, exponentPick);
        double back = format.Decode(format.Encode<T>(x));
        Assert.True(Math.Abs(back - x) <= Math.ScaleB(1.0, -(format.FractionalBits + 1)),
            $"f = {format.FractionalBits}: error {Math.Abs(back - x)}");
    }

    [Property(MaxTest = 200)]
    public void FixedPoint_EncodingIsAdditive(ulong a, int ea, ulong b, int eb)
    {
        var format = new FixedPointFormat(16, 40);
        double x = AcrossRange(format, a, ea) / 4, y = AcrossRange(format, b, eb) / 4;
        double sum = format.Decode(format.Encode<T>(x) + format.Encode<T>(y));
        Assert.True(Math.Abs(sum - (x + y)) <= format.Resolution);
    }

    [Fact]
    public void FixedPoint_RangeEndsEncodeAndBeyondIsRefused()
    {
        var format = FixedPointFormat.Default;
        double max = format.MaxValue<T>(), min = format.MinValue<T>();
        Assert.Equal(min, format.Decode(format.Encode<T>(min)));
        Assert.Equal(max, format.Decode(format.Encode<T>(max)), max * 1e-15);
        var tooBig = Assert.Throws<FixedPointOverflowException>(() => format.Encode<T>(-min));
        Assert.Contains("outside", tooBig.Message);
        Assert.Throws<FixedPointOverflowException>(() => format.Encode<T>(min * 2));
        Assert.Throws<FixedPointOverflowException>(() => format.Encode<T>(double.NaN));
        Assert.Throws<FixedPointOverflowException>(() => format.Encode<T>(double.PositiveInfinity));
        var vector = Assert.Throws<FixedPointOverflowException>(() => format.Encode<T>([1.0, 2.0, double.MaxValue]));
        Assert.Contains("index 2", vector.Message);
        Assert.DoesNotContain(double.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), vector.Message);
    }

    [Fact]
    public void FixedPoint_IntegerBitsNarrowTheRange()
    {
        var format = new FixedPointFormat(16, 10);
        Assert.Equal(1024 - format.Resolution, format.MaxValue<T>());
        Assert.Equal(-1024, format.MinValue<T>());
        format.Encode<T>(1023.5);
        Assert.Throws<FixedPointOverflowException>(() => format.Encode<T>(1024));
        Assert.Throws<FixedPointOverflowException>(() => new FixedPointFormat(16, 120).Encode<T>(1.0 * (T.SignedBits >= 137 ? 0 : 1)));
    }
}

public sealed class Z2kFixedPoint : FixedPointTests<Z2k>;
public sealed class Z2k128FixedPoint : FixedPointTests<Z2k128>;
public sealed class Mersenne61FixedPoint : FixedPointTests<Mersenne61>;
public sealed class Mersenne127FixedPoint : FixedPointTests<Mersenne127>;
