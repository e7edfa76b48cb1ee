using Mpc.Core.Arithmetic;

namespace Mpc.Core.FixedPoint;

/// <summary>
/// Two's-complement fixed point with <see cref="FractionalBits"/> fractional bits: a real x is encoded as the
/// ring element congruent to round(x * 2^f) (round half to even), so negative values sit at the top of the ring
/// (p - |v| in a prime field).
/// </summary>
/// <remarks>
/// <para>Range: with k = <see cref="SignedBits{T}"/> for ring T, the encodable reals are
/// [-2^(k-1-f), 2^(k-1-f) - 2^-f]. Encoding anything outside it, or NaN or an infinity, raises
/// <see cref="FixedPointOverflowException"/>: it never wraps. By default k is the ring's own signed width
/// (64 for Z_2^64, so |x| &lt; 2^47 at f = 16); <see cref="IntegerBits"/> narrows it to leave headroom for
/// products, which carry 2f fractional bits until truncated.</para>
/// <para>Precision: decode(encode(x)) differs from x by at most 2^-(f+1). Decoding is exact while
/// |round(x 2^f)| &lt; 2^53 (a double's mantissa) and rounds to the nearest double beyond.</para>
/// </remarks>
public readonly record struct FixedPointFormat
{
    /// <summary>f = 16 fractional bits, the ring's whole signed range.</summary>
    public static FixedPointFormat Default { get; } = new(16);

    /// <summary>A format with f fractional bits and, optionally, at most <paramref name="integerBits"/> integer bits.</summary>
    public FixedPointFormat(int fractionalBits, int? integerBits = null)
    {
        if (fractionalBits is < 0 or > 100)
            throw new ArgumentOutOfRangeException(nameof(fractionalBits), fractionalBits, "Fractional bits must be between 0 and 100.");
        if (integerBits is < 0 or > 126)
            throw new ArgumentOutOfRangeException(nameof(integerBits), integerBits, "Integer bits must be between 0 and 126.");
        FractionalBits = fractionalBits;
        IntegerBits = integerBits;
    }

    /// <summary>f: the number of fractional bits.</summary>
    public int FractionalBits { get; }

    /// <summary>Integer bits (besides the sign); null means as many as the ring holds.</summary>
    public int? IntegerBits { get; }

    /// <summary>The smallest positive step, 2^-f.</summary>
    public double Resolution => Math.ScaleB(1.0, -FractionalBits);

    /// <summary>2^f as a ring element: the encoding of 1.0.</summary>
    public T ScaleFactor<T>() where T : unmanaged, IRing<T> => T.FromInt128(Int128.One << FractionalBits);

    /// <summary>k: the width of the signed integers round(x 2^f) this format allows in ring T.</summary>
    public int SignedBits<T>() where T : unmanaged, IRing<T>
    {
        if (IntegerBits is not int integerBits) return CheckFits<T>(T.SignedBits);
        return CheckFits<T>(FractionalBits + integerBits + 1);
    }

    /// <summary>The smallest encodable real in ring T.</summary>
    public double MinValue<T>() where T : unmanaged, IRing<T> => -Math.ScaleB(1.0, SignedBits<T>() - 1 - FractionalBits);

    /// <summary>The largest encodable real in ring T.</summary>
    public double MaxValue<T>() where T : unmanaged, IRing<T> => LargestBelowLimit(SignedBits<T>());

    // (2^(k-1) - 1) 2^-f when a double holds it exactly; beyond 53 bits, the largest double below 2^(k-1-f).
    private double LargestBelowLimit(int signedBits) =>
        signedBits - 1 <= 53
            ? Math.ScaleB((double)((1L << (signedBits - 1)) - 1), -FractionalBits)
            : Math.BitDecrement(Math.ScaleB(1.0, signedBits - 1 - FractionalBits));

    /// <summary>Encodes one real; out of range raises <see cref="FixedPointOverflowException"/>.</summary>
    public T Encode<T>(double value) where T : unmanaged, IRing<T>
    {
        int k = SignedBits<T>();
        return T.FromInt128(ToScaledInteger(value, k, index: -1));
    }

    /// <summary>Encodes a vector; the first value out of range raises <see cref="FixedPointOverflowException"/> naming its index.</summary>
    public void Encode<T>(ReadOnlySpan<double> values, Span<T> destination) where T : unmanaged, IRing<T>
    {
        if (values.Length != destination.Length)
            throw new ArgumentException($"Encoding {values.Length} values into {destination.Length} slots.", nameof(destination));
        int k = SignedBits<T>();
        for (int i = 0; i < values.Length; i++) destination[i] = T.FromInt128(ToScaledInteger(values[i], k, i));
    }

    /// <summary>Encodes a vector into a new array.</summary>
    public T[] Encode<T>(ReadOnlySpan<double> values) where T : unmanaged, IRing<T>
    {
        var encoded = new T[values.Length];
        Encode<T>(values, encoded);
        return encoded;
    }

    /// <summary>Decodes one element through its centred lift.</summary>
    public double Decode<T>(T value) where T : unmanaged, IRing<T> =>
        Math.ScaleB((double)T.ToSignedInt128(value), -FractionalBits);

    /// <summary>Decodes a vector.</summary>
    public void Decode<T>(ReadOnlySpan<T> values, Span<double> destination) where T : unmanaged, IRing<T>
    {
        if (values.Length != destination.Length)
            throw new ArgumentException($"Decoding {values.Length} values into {destination.Length} slots.", nameof(destination));
        for (int i = 0; i < values.Length; i++) destination[i] = Decode(values[i]);
    }

    /// <summary>Decodes a vector into a new array.</summary>
    public double[] Decode<T>(ReadOnlySpan<T> values) where T : unmanaged, IRing<T>
    {
        var decoded = new double[values.Length];
        Decode(values, decoded);
        return decoded;
    }

    /// <inheritdoc />
    public override string ToString() =>
        IntegerBits is int i ? $"fixed point (f = {FractionalBits}, {i} integer bits)" : $"fixed point (f = {FractionalBits})";

    private Int128 ToScaledInteger(double value, int signedBits, int index)
    {
        double scaled = Math.Round(Math.ScaleB(value, FractionalBits), MidpointRounding.ToEven);
        double limit = Math.ScaleB(1.0, signedBits - 1);
        if (!(scaled >= -limit && scaled < limit)) // also false for NaN
        {
            string where = index >= 0 ? $"The value at index {index}" : "A value";
            string what = double.IsFinite(value) ? "lies outside" : "is not a finite number, so it is not in";
            throw new FixedPointOverflowException(
                $"{where} {what} the {this} range [{-Math.ScaleB(limit, -FractionalBits)}, {LargestBelowLimit(signedBits)}] "
                    + $"({signedBits}-bit signed integers).");
        }
        return (Int128)scaled;
    }

    private int CheckFits<T>(int signedBits) where T : unmanaged, IRing<T>
    {
        if (signedBits > T.SignedBits)
            throw new FixedPointOverflowException(
                $"{this} needs {signedBits}-bit signed integers, but {typeof(T).Name} holds only {T.SignedBits}.");
        if (signedBits <= FractionalBits)
            throw new FixedPointOverflowException($"{this} leaves no integer bits in {typeof(T).Name}.");
        return signedBits;
    }
}
